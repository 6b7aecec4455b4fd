import { describePage } from "./pages.js";

describePage("system.md");
