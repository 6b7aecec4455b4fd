import { describePage } from "./pages.js";

describePage("processes.md");
