/**
 * Runs every ```ts block of a documentation page (docs/*.md, and the README) as a module of
 * its own, so that the docs cannot drift from the library (the Python original's test_docs.py
 * does the same). Blocks marked ```ts-norun are not run. Each page has its own test file, and
 * so its own process: topics and class names need only be unique within a page.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";

export const docs = join(import.meta.dirname, "..");

/** Declares one test per ```ts block of the page (a path relative to docs/). */
export function describePage(page: string): void {
  const path = join(docs, page);
  const name = page
    .replace(/\.md$/, "")
    .replace(/[^\w]+/g, "-")
    .replace(/^-+/, "");
  const snippets = join(docs, ".snippets", name);
  rmSync(snippets, { recursive: true, force: true });
  mkdirSync(snippets, { recursive: true });

  const text = readFileSync(path, "utf8");
  const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)];
  describe(page.replace(/^(\.\.\/)+/, ""), () => {
    blocks.forEach((match, index) => {
      const line = text.slice(0, match.index).split("\n").length + 1;
      it(`block ${index + 1} (line ${line})`, async () => {
        const file = join(snippets, `${index + 1}.ts`);
        writeFileSync(file, match[1] ?? "");
        await import(file);
      });
    });
  });
}
