import { describePage } from "./pages.js";

describePage("sqlite.md");
