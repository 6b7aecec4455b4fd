import { describePage } from "./pages.js";

describePage("views.md");
