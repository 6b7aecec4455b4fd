/**
 * One Node.js version, stated once for people and once for package managers: the README's
 * quick start names the lowest version that the root manifest and every public package's
 * `engines` accept, so neither can move without the other.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const manifest = (path: string) =>
  JSON.parse(readFileSync(join(root, path, "package.json"), "utf8")) as {
    name: string;
    engines?: { node?: string };
  };

describe("the Node.js version", () => {
  it("named in the README's quick start is the lowest that every package's engines accept", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const stated = /Node\.js (\d+\.\d+) or later/.exec(readme)?.[1];
    expect(stated).toMatch(/^\d+\.\d+$/);
    const packages = readdirSync(join(root, "packages")).map((name) => join("packages", name));
    const engines = Object.fromEntries(
      [".", ...packages].map((path) => {
        const { name, engines } = manifest(path);
        return [name, engines?.node];
      }),
    );
    expect(Object.keys(engines)).toHaveLength(packages.length + 1);
    // Compared as a whole, so that a failure names the packages whose range differs.
    expect(engines).toEqual(
      Object.fromEntries(Object.keys(engines).map((name) => [name, `>=${stated}`])),
    );
  });
});
