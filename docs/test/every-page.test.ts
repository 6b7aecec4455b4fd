/** Every documentation page has a test file that runs its code. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { docs } from "./pages.js";

it("runs the code of every page", () => {
  const pages = readdirSync(docs).filter((name) => name.endsWith(".md"));
  const tests = readdirSync(join(docs, "test")).filter((name) => name.endsWith(".test.ts"));
  for (const page of pages) expect(tests).toContain(page.replace(/\.md$/, ".test.ts"));
});
