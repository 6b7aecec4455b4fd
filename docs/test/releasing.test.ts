import { describePage } from "./pages.js";

describePage("releasing.md");
