import { describePage } from "./pages.js";

describePage("../packages/domain/README.md");
