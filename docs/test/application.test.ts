import { describePage } from "./pages.js";

describePage("application.md");
