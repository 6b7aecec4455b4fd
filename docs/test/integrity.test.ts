import { describePage } from "./pages.js";

describePage("integrity.md");
