import { describePage } from "./pages.js";

describePage("../packages/persistence-core/README.md");
