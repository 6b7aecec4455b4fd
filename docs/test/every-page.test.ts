/** Every documentation page with code has a test file that runs it. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { docs } from "./pages.js";

it("runs the code of every page that has code", () => {
  const pages = readdirSync(docs).filter(
    (name) => name.endsWith(".md") && /^```ts$/m.test(readFileSync(join(docs, name), "utf8")),
  );
  const tests = readdirSync(join(docs, "test")).filter((name) => name.endsWith(".test.ts"));
  for (const page of pages) expect(tests).toContain(page.replace(/\.md$/, ".test.ts"));
});

it("lists every page in the index, docs/README.md", () => {
  const index = readFileSync(join(docs, "README.md"), "utf8");
  const pages = readdirSync(docs).filter((name) => name.endsWith(".md") && name !== "README.md");
  expect(pages.length).toBeGreaterThan(0);
  for (const page of pages) expect(index, page).toContain(`](${page})`);
});
