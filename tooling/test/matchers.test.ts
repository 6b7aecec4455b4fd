/**
 * Every `expect(…)` chain in the tests ends in a matcher that is called. Written without its
 * parentheses (`expect(x).toBeNull;`), a matcher is only read, never run, so the assertion
 * passes whatever `x` is; TypeScript and biome both accept it, so this check is what keeps such
 * a line from passing review as an assertion.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import type * as TypeScript from "typescript";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const ts: typeof TypeScript = createRequire(join(root, "package.json"))("typescript");

/** The TypeScript files under every `test` folder of the workspace's projects. */
function testSources(): string[] {
  const walk = (dir: string, inTests: boolean): string[] =>
    readdirSync(dir).flatMap((name) => {
      if (name === "node_modules" || name === "dist" || name.startsWith(".")) return [];
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return walk(path, inTests || name === "test");
      return inTests && /\.[cm]?tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
    });
  return ["packages", "examples", "docs", "tooling"].flatMap((dir) => walk(join(root, dir), false));
}

/** `expect(…)`, `expect.soft(…)` or `expect.poll(…)`: the calls an assertion chain starts from. */
function isExpectCall(node: TypeScript.Node): boolean {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text === "expect";
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === "expect" &&
    ["soft", "poll"].includes(callee.name.text)
  );
}

/**
 * The lines (1-based) where a chain of property reads from an `expect(…)` call ends without
 * being called, such as `expect(x).not.toBeNull` or `expect(p).rejects`.
 */
function uncalledMatchers(fileName: string, text: string): number[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (node: TypeScript.Node): void => {
    if (ts.isPropertyAccessExpression(node)) {
      const parent = node.parent;
      const continued =
        (ts.isPropertyAccessExpression(parent) && parent.expression === node) ||
        ((ts.isCallExpression(parent) || ts.isTaggedTemplateExpression(parent)) &&
          (ts.isCallExpression(parent) ? parent.expression : parent.tag) === node);
      if (!continued) {
        let start: TypeScript.Expression = node.expression;
        while (ts.isPropertyAccessExpression(start)) start = start.expression;
        if (isExpectCall(start)) {
          lines.push(source.getLineAndCharacterOfPosition(node.name.getStart(source)).line + 1);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

describe("expect chains", () => {
  it("that end in a matcher read but not called are found, and called ones are not", () => {
    const text = [
      "expect(a).toBeUndefined;",
      "expect(b).not.toBeNull;",
      "await expect(c).rejects.toThrow;",
      "expect.soft(d).toBe;",
      "expect(e).resolves;",
      "expect(f).toBe(1);",
      "expect(g).not.toBeNull();",
      "await expect(h).rejects.toThrow('x');",
      "expect.assertions(1);",
      "expect(i).toEqual(expect.any(Object));",
      "const bound = other(j).toBe;",
    ].join("\n");
    expect(uncalledMatchers("sample.test.ts", text)).toEqual([1, 2, 3, 4, 5]);
  });

  it("end in a called matcher in every test file", () => {
    const files = testSources();
    // The walk finds the tests, not an empty list that would pass whatever they contain.
    expect(files.some((file) => file.endsWith("matchers.test.ts"))).toBe(true);
    const uncalled = files.flatMap((file) =>
      uncalledMatchers(file, readFileSync(file, "utf8")).map(
        (line) => `${relative(root, file)}:${line}`,
      ),
    );
    expect(uncalled).toEqual([]);
  });
});
