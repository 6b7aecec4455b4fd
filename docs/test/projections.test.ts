import { describePage } from "./pages.js";

describePage("projections.md");
