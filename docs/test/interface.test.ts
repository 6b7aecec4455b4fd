import { describePage } from "./pages.js";

describePage("interface.md");
