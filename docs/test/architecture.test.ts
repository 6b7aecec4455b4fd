import { describePage } from "./pages.js";

describePage("architecture.md");
