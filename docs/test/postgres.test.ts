import { describePage } from "./pages.js";

describePage("postgres.md");
