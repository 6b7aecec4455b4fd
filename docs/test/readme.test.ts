import { describePage } from "./pages.js";

describePage("../README.md");
