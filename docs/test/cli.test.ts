import { describePage } from "./pages.js";

describePage("cli.md");
