import { describePage } from "./pages.js";

describePage("../packages/postgres/README.md");
