/**
 * Each public package has its own version: a changeset for one adapter moves that adapter
 * alone, a core release moves the packages that depend on it by a patch (with their ranges),
 * and private packages (examples, docs, bench, this one) are never versioned.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const changeset = join(root, "node_modules", "@changesets", "cli", "bin.js");
const workspaces = ["packages", "examples"].flatMap((dir) =>
  readdirSync(join(root, dir)).map((name) => join(dir, name)),
);
const manifests = [...workspaces, "docs", "bench", "tooling"];

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The repository's manifests and changeset config in a scratch directory, with `changes`. */
function versionWith(changes: Record<string, string>): Record<string, Record<string, unknown>> {
  dir = mkdtempSync(join(tmpdir(), "es-versioning-"));
  for (const file of ["package.json", "pnpm-workspace.yaml", ".changeset/config.json"]) {
    cpSync(join(root, file), join(dir, file));
  }
  for (const path of manifests)
    cpSync(join(root, path, "package.json"), join(dir, path, "package.json"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  const body = Object.entries(changes)
    .map(([name, bump]) => `"${name}": ${bump}`)
    .join("\n");
  writeFileSync(join(dir, ".changeset", "one-change.md"), `---\n${body}\n---\n\nA change.\n`);
  const run = spawnSync(process.execPath, [changeset, "version"], { cwd: dir, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`changeset version failed:\n${run.stdout}${run.stderr}`);
  return Object.fromEntries(
    manifests.map((path) => {
      const manifest = JSON.parse(readFileSync(join(dir, path, "package.json"), "utf8"));
      return [manifest.name as string, manifest];
    }),
  );
}

const versions = (all: Record<string, Record<string, unknown>>) =>
  Object.fromEntries(Object.entries(all).map(([name, m]) => [name, m.version]));

describe("independent versions", () => {
  it("moves only the adapter a changeset names", () => {
    const before = versions(versionWith({}));
    const after = versionWith({ "@es/sqlite": "patch" });
    expect(versions(after)).toEqual({ ...before, "@es/sqlite": "0.0.1" });
    expect(readdirSync(join(dir, "packages", "sqlite"))).toContain("CHANGELOG.md");
    for (const path of manifests.filter((p) => !p.endsWith("sqlite"))) {
      expect(readdirSync(join(dir, path))).not.toContain("CHANGELOG.md");
    }
  });

  it("moves the dependents of a core release by a patch, never the private packages", () => {
    const after = versionWith({ "@es/persistence-core": "minor" });
    expect(versions(after)).toMatchObject({
      "@es/persistence-core": "0.1.0",
      "@es/sqlite": "0.0.1",
      "@es/cipher": "0.0.1",
      "@es/application": "0.0.1",
      "@es/domain": "0.0.0",
      "@es/example-bundling": "0.0.0",
      "@es/docs": "0.0.0",
    });
    for (const name of ["@es/sqlite", "@es/cipher", "@es/application"]) {
      const dependencies = after[name]?.dependencies as Record<string, string>;
      expect(dependencies["@es/persistence-core"]).toBe("workspace:^");
    }
  });
});
