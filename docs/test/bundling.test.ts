import { describePage } from "./pages.js";

describePage("bundling.md");
