/**
 * The packages as a user gets them: each public package is packed (its `prepack` builds it),
 * checked by publint and by arethetypeswrong, and installed from its tarball with npm into a
 * project outside the workspace, where a small application is compiled with plain `tsc`
 * (strict, NodeNext, library types checked) and run: in memory with only domain, application
 * and persistence-core installed; on SQLite, by environment, once `@es/sqlite` is added; on
 * PostgreSQL (the test run's server) once `@es/postgres` and pg are; a view on SQLite once
 * kysely is (the adapters' main entries run without it); with encryption once
 * `@es/cipher` is; and from CommonJS. (No install scripts run: the packages
 * have none, and better-sqlite3 is the workspace's, already compiled.)
 */
import { type SpawnSyncOptions, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockDist } from "../dist-lock.js";

const root = join(import.meta.dirname, "..", "..");
const tooling = join(root, "tooling");
const requireFromRoot = createRequire(join(root, "package.json"));
const pnpm = join(root, "node_modules", ".bin", "pnpm");
const tsc = requireFromRoot.resolve("typescript/bin/tsc");
const publint = join(tooling, "node_modules", "publint", "src", "cli.js");
const attw = join(tooling, "node_modules", "@arethetypeswrong", "cli", "dist", "index.js");
/** The workspace's compiled better-sqlite3, linked rather than compiled again. */
const betterSqlite3 = dirname(
  createRequire(join(root, "packages", "sqlite", "package.json")).resolve(
    "better-sqlite3/package.json",
  ),
);
const PACKAGES = [
  "domain",
  "persistence-core",
  "application",
  "sqlite",
  "postgres",
  "cipher",
  "system",
  "cli",
] as const;
type Package = (typeof PACKAGES)[number];

const scratch = mkdtempSync(join(tmpdir(), "es-packages-"));
const packs = join(scratch, "packs");
const consumer = join(scratch, "consumer");
const tarballs = {} as Record<Package, string>;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${output}`);
  }
  return String(result.stdout ?? "");
}

beforeAll(async () => {
  const unlock = await lockDist();
  try {
    for (const name of PACKAGES) {
      run(pnpm, ["pack", "--pack-destination", packs], { cwd: join(root, "packages", name) });
    }
  } finally {
    unlock();
  }
  for (const file of readdirSync(packs)) {
    const name = PACKAGES.find((p) => file === `es-${p}-${file.split("-").pop()}`);
    if (name) tarballs[name] = join(packs, file);
  }
  expect(Object.keys(tarballs).sort()).toEqual([...PACKAGES].sort());
});

function manifestOf(name: Package): Record<string, unknown> {
  const out = join(scratch, `unpacked-${name}`);
  run("tar", ["xzf", tarballs[name], "-C", scratch]);
  rmSync(out, { recursive: true, force: true });
  cpSync(join(scratch, "package"), out, { recursive: true });
  rmSync(join(scratch, "package"), { recursive: true, force: true });
  return JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
}

describe("the packed packages", () => {
  it.each(PACKAGES)("@es/%s stands alone: built, licensed, documented, types first", (name) => {
    const manifest = manifestOf(name);
    const files = readdirSync(join(scratch, `unpacked-${name}`));
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "dist", "src"]));
    const dist = readdirSync(join(scratch, `unpacked-${name}`, "dist"));
    expect(dist).toEqual(expect.arrayContaining(["index.js", "index.d.ts"]));
    const exports = manifest.exports as Record<string, Record<string, string> | string>;
    expect(Object.keys(exports["."] as object)[0]).toBe("types");
    expect(exports["./package.json"]).toBe("./package.json");
    expect(manifest).toHaveProperty("repository");
    expect(manifest).toHaveProperty("homepage");
    expect(manifest).toHaveProperty("bugs");
    for (const range of Object.values((manifest.dependencies ?? {}) as Record<string, string>)) {
      expect(range).not.toMatch(/^workspace:/);
    }
  });

  it.each(PACKAGES)("@es/%s passes publint, strictly", (name) => {
    const output = run(process.execPath, [publint, "run", tarballs[name], "--strict"]);
    expect(output).toContain("All good!");
  });

  it.each(PACKAGES)("@es/%s has types that resolve for ES module consumers (attw)", (name) => {
    run(process.execPath, [attw, tarballs[name], "--profile", "esm-only", "--format", "ascii"]);
  });

  it.each([
    ["sqlite", "better-sqlite3"],
    ["postgres", "pg"],
  ] as const)("keeps the driver's types out of @es/%s's declarations (%s)", (name, driver) => {
    manifestOf(name);
    const dist = join(scratch, `unpacked-${name}`, "dist");
    for (const file of readdirSync(dist).filter((f) => f.endsWith(".d.ts"))) {
      expect(readFileSync(join(dist, file), "utf8"), file).not.toContain(`from "${driver}"`);
    }
  });
});

describe("a consumer installing the tarballs with npm", () => {
  const npm = (args: readonly string[]) =>
    run("npm", ["--no-audit", "--no-fund", "--loglevel=error", "--ignore-scripts", ...args], {
      cwd: consumer,
    });
  const node = (args: readonly string[], env: Record<string, string> = {}) =>
    JSON.parse(
      run(process.execPath, args, { cwd: consumer, env: { ...process.env, ...env } }).trim(),
    );

  beforeAll(() => {
    cpSync(join(tooling, "test", "consumer"), consumer, { recursive: true });
    writeFileSync(
      join(consumer, "package.json"),
      JSON.stringify({ name: "es-consumer", private: true, type: "module" }),
    );
    npm([
      "install",
      tarballs.domain,
      tarballs["persistence-core"],
      tarballs.application,
      "@types/node@20",
    ]);
    run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer });
  });

  it("runs in memory with only domain, persistence-core and application installed", () => {
    expect(readdirSync(join(consumer, "node_modules", "@es")).sort()).toEqual([
      "application",
      "domain",
      "persistence-core",
    ]);
    expect(node(["dist/app.js", "Fido", "sit", "beg"])).toEqual({
      store: "in-memory",
      name: "Fido",
      tricks: ["sit", "beg"],
      version: 3,
    });
  });

  it("runs on SQLite by environment once @es/sqlite is installed (without kysely)", () => {
    npm(["install", tarballs.sqlite, `better-sqlite3@file:${betterSqlite3}`]);
    expect(readdirSync(join(consumer, "node_modules"))).not.toContain("kysely");
    const env = { INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: join(consumer, "dogs.db") };
    node(["dist/app.js", "Rex", "sit"], env);
    expect(node(["dist/app.js", "Rex", "roll over"], env)).toEqual({
      store: "@es/sqlite",
      name: "Rex",
      tricks: ["sit", "roll over"],
      version: 3,
    });
  });

  it("keeps a view with @es/sqlite/view once kysely is installed", () => {
    npm(["install", "kysely@^0.28.8"]);
    run(process.execPath, [tsc, "-p", "tsconfig.view.json"], { cwd: consumer });
    const database = join(consumer, "dogs.db");
    expect(node(["dist/view.js", database])).toEqual({
      counts: [{ count: 3 }],
      refused: true,
      position: 1_000,
    });
  });

  it("inspects and verifies the store with the es command once @es/cli is installed", () => {
    // With @es/system, which runs its projections (installed before its own test, below).
    npm(["install", tarballs.system, tarballs.cli]);
    const env = {
      ...process.env,
      INFRASTRUCTURE_FACTORY: "@es/sqlite",
      SQLITE_DBNAME: join(consumer, "dogs.db"),
    };
    const es = (args: readonly string[]) =>
      spawnSync(join(consumer, "node_modules", ".bin", "es"), args, {
        cwd: consumer,
        encoding: "utf8",
        env,
      });
    const info = es(["info", "--app", "DogSchool", "--json"]);
    expect(info.stderr).toBe("");
    expect(JSON.parse(info.stdout)).toMatchObject({
      application: "DogSchool",
      store: "@es/sqlite",
      maxNotificationId: 3,
      tables: expect.arrayContaining([{ name: "dogschool_events", rows: 3 }]),
    });
    const log = es(["log", "--app", "DogSchool"]);
    expect(log.status).toBe(0);
    expect(log.stdout).toContain("Dog.TrickAdded");
    const verify = es(["verify", "--app", "DogSchool"]);
    // Recorded without hashes: reported as unchained, never as intact.
    expect(verify.status).toBe(1);
    expect(verify.stdout).toContain("unchained");
    const help = es(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: es [options] [command]");
  });

  it("runs on PostgreSQL by environment once @es/postgres and pg are installed", () => {
    npm(["install", tarballs.postgres, "pg@^8.16.0"]);
    // The server is the test run's, named by the POSTGRES_* variables the process inherits.
    const env = {
      INFRASTRUCTURE_FACTORY: "@es/postgres",
      POSTGRES_SCHEMA: `consumer_${process.pid}_${Date.now()}`,
    };
    node(["dist/app.js", "Max", "sit"], env);
    expect(node(["dist/app.js", "Max", "shake"], env)).toEqual({
      store: "@es/postgres",
      name: "Max",
      tricks: ["sit", "shake"],
      version: 3,
    });
  });

  it("encrypts by environment once @es/cipher is installed", () => {
    npm(["install", tarballs.cipher]);
    const database = join(consumer, "secret-dogs.db");
    const env = {
      INFRASTRUCTURE_FACTORY: "@es/sqlite",
      SQLITE_DBNAME: database,
      CIPHER_KEY: Buffer.alloc(32, 7).toString("base64"),
    };
    expect(node(["dist/app.js", "Bella", "a-secret-trick"], env).tricks).toEqual([
      "a-secret-trick",
    ]);
    expect(readFileSync(database).includes("a-secret-trick")).toBe(false);
    expect(node(["dist/app.js", "Bella"], env).tricks).toEqual(["a-secret-trick"]);
  });

  it("runs a system's follower in a worker process, from the built package in plain Node", () => {
    npm(["install", tarballs.system]);
    run(process.execPath, [tsc, "-p", "tsconfig.system.json"], { cwd: consumer });
    const env = {
      INFRASTRUCTURE_FACTORY: "@es/sqlite",
      SQLITE_DBNAME: join(consumer, "kennel.db"),
    };
    expect(node(["dist/run-system.js", "Rex", "Bella"], env)).toEqual({
      greeted: ["Rex", "Bella"],
      inWorker: true,
      notHere: true,
    });
  });

  it("runs from CommonJS", () => {
    expect(node(["counter.cjs"])).toEqual({ count: 5, version: 3 });
  });
});
