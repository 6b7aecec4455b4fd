import { describePage } from "./pages.js";

describePage("domain.md");
