import { describePage } from "./pages.js";

describePage("persistence.md");
