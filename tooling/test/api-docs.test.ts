/**
 * The API reference is the TSDoc in the sources: every export of every public entry point,
 * and every public member of an exported class or interface, says what it is, as an editor's
 * hover and a generated reference show it. A member that implements a documented interface
 * member inherits that documentation.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as TypeScript from "typescript";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const ts: typeof TypeScript = createRequire(join(root, "package.json"))("typescript");

/** Each package's public entry points, from its `exports` map. */
function entryPoints(name: string): string[] {
  const dir = join(root, "packages", name);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    exports: Record<string, string | { default?: string }>;
  };
  return Object.values(manifest.exports).flatMap((target) => {
    const path = typeof target === "string" ? target : target.default;
    return path?.endsWith(".ts") ? [join(dir, path)] : [];
  });
}

const PACKAGES = [
  "domain",
  "persistence-core",
  "application",
  "cipher",
  "sqlite",
  "postgres",
  "system",
  "cli",
];

/** The exported names (and `Export.member` names) that have no documentation. */
function undocumented(entries: readonly string[]): string[] {
  const program = ts.createProgram([...entries], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const documented = (symbol: TypeScript.Symbol) =>
    ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== "";
  const missing: string[] = [];
  for (const entry of entries) {
    const source = program.getSourceFile(entry);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`Can't read ${entry}`);
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!documented(symbol)) missing.push(exported.name);
      for (const [name, member] of publicMembers(symbol)) {
        if (!documented(member)) missing.push(`${exported.name}.${name}`);
      }
    }
  }
  return missing;
}

/** A class's or interface's public members, and a class's static ones. */
function publicMembers(symbol: TypeScript.Symbol): [string, TypeScript.Symbol][] {
  const members: [string, TypeScript.Symbol][] = [];
  const add = (table: TypeScript.SymbolTable | undefined, prefix: string) => {
    table?.forEach((member, key) => {
      const name = String(key);
      const declaration = member.declarations?.[0];
      if (!declaration || member.flags & ts.SymbolFlags.TypeParameter) return;
      if (name === "prototype" || name.startsWith("__") || name.startsWith("#")) return;
      if (ts.isConstructorDeclaration(declaration)) return;
      const flags = ts.getCombinedModifierFlags(declaration);
      if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return;
      members.push([`${prefix}${name}`, member]);
    });
  };
  if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) add(symbol.members, "");
  if (symbol.flags & ts.SymbolFlags.Class) add(symbol.exports, "static ");
  return members;
}

describe("API reference", () => {
  for (const name of PACKAGES) {
    it(`documents every export of @es/${name} and every public member`, () => {
      expect(undocumented(entryPoints(name))).toEqual([]);
    });
  }
});
