import { describePage } from "./pages.js";

describePage("../packages/cipher/README.md");
