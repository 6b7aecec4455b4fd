import { describePage } from "./pages.js";

describePage("../packages/system/README.md");
