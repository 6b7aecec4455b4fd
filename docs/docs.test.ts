/**
 * Runs every ```ts block of the documentation (docs/*.md and the README) as a module of its
 * own, so that the docs cannot drift from the library (the Python original's test_docs.py).
 * Blocks marked ```ts-norun are not run. Topics are global in one test file, so class names
 * must be unique across all the docs.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, it } from "vitest";

const docs = import.meta.dirname;
const snippets = join(docs, ".snippets");
rmSync(snippets, { recursive: true, force: true });
mkdirSync(snippets, { recursive: true });

const pages = [
  ...readdirSync(docs)
    .filter((name) => name.endsWith(".md"))
    .map((name) => join(docs, name)),
  join(docs, "..", "README.md"),
];

for (const page of pages) {
  const text = readFileSync(page, "utf8");
  const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)];
  describe(basename(page), () => {
    blocks.forEach((match, index) => {
      const line = text.slice(0, match.index).split("\n").length + 1;
      it(`block ${index + 1} (line ${line})`, async () => {
        const file = join(snippets, `${basename(page, ".md")}-${index + 1}.ts`);
        writeFileSync(file, match[1] ?? "");
        await import(file);
      });
    });
  });
}
