import { describePage } from "./pages.js";

describePage("subscriptions.md");
