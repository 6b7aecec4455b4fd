import { describePage } from "./pages.js";

describePage("../packages/cli/README.md");
