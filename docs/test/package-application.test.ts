import { describePage } from "./pages.js";

describePage("../packages/application/README.md");
