import { describePage } from "./pages.js";

describePage("../packages/sqlite/README.md");
