/**
 * One application, built the ways it may be deployed, on one SQLite file: what is stored must
 * not depend on the build. The builds are `tsc` (the library from its published `dist`), an
 * esbuild bundle, a minified esbuild bundle, and a minified bundle of the application alone
 * (`--packages=external`). The bundles contain their own copy of the library and still find
 * `@es/sqlite` and `@es/cipher`, installed beside them, from the environment.
 *
 * The taught forms (src/safe) store byte-identical rows in every build and read each other's.
 * The unsafe forms (src/unsafe: class names and positional parameter names) work unbundled
 * and are refused where a build renamed them, before anything is stored.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AESCipher } from "@es/cipher";
import Database from "better-sqlite3";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockDist } from "../../../tooling/dist-lock.js";

const example = join(import.meta.dirname, "..");
const repository = join(example, "..", "..");
const tsc = createRequire(join(repository, "package.json")).resolve("typescript/bin/tsc");
const clock = join(import.meta.dirname, "fixed-clock.mjs");
const packages = ["domain", "persistence-core", "application", "sqlite", "cipher"];

type App = "safe" | "unsafe";
const BUILDS = {
  tsc: (app: App) => `.builds/tsc/${app}/main.js`,
  bundle: (app: App) => `.builds/bundle/${app}.mjs`,
  minified: (app: App) => `.builds/minified/${app}.mjs`,
  external: (app: App) => `.builds/external/${app}.mjs`,
};
type Build = keyof typeof BUILDS;
const BUNDLES: readonly Build[] = ["bundle", "minified", "external"];

function compile(project: string): void {
  const result = spawnSync(process.execPath, [tsc, "-p", project], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`tsc -p ${project} failed:\n${result.stdout}`);
}

let unlock: () => void = () => {};
afterAll(() => unlock());

beforeAll(async () => {
  // Held until these tests end: another test's packing rebuilds the same `dist` folders.
  unlock = await lockDist();
  // The library as it is published; plain node loads it with the `es-dist` condition.
  for (const name of packages) compile(join(repository, "packages", name, "tsconfig.build.json"));
  rmSync(join(example, ".builds"), { recursive: true, force: true });
  compile(join(example, "tsconfig.build.json"));
  for (const app of ["safe", "unsafe"] as const) {
    for (const [name, options] of [
      ["bundle", {}],
      ["minified", { minify: true }],
      ["external", { minify: true, packages: "external" }],
    ] as const) {
      await build({
        entryPoints: [join(example, "src", app, "main.ts")],
        outfile: join(example, BUILDS[name](app)),
        bundle: true,
        platform: "node",
        target: "node20",
        format: "esm",
        logLevel: "error",
        ...options,
      });
    }
  }
});

const temporary = mkdtempSync(join(tmpdir(), "es-builds-"));
afterAll(() => rmSync(temporary, { recursive: true, force: true }));
let files = 0;
const newDatabase = () => join(temporary, `store-${++files}.db`);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(
  buildName: Build,
  app: App,
  database: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Run {
  const result = spawnSync(
    process.execPath,
    ["--conditions=es-dist", "--import", clock, BUILDS[buildName](app), ...args],
    {
      cwd: example,
      encoding: "utf8",
      env: {
        ...process.env,
        INFRASTRUCTURE_FACTORY: "@es/sqlite",
        SQLITE_DBNAME: database,
        ...env,
      },
    },
  );
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

/** Runs a command that must succeed; returns what it printed. */
function ok(
  buildName: Build,
  app: App,
  database: string,
  args: readonly string[],
  env?: Record<string, string>,
): unknown {
  const result = run(buildName, app, database, args, env);
  if (result.status !== 0) {
    throw new Error(`${buildName} ${app} ${args.join(" ")} failed:\n${result.stderr}`);
  }
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout);
}

/** Every table of the file and every row in it, as stored (blobs as bytes). */
function storedRows(database: string): Record<string, unknown[]> {
  const db = new Database(database, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()]),
    );
  } finally {
    db.close();
  }
}

describe("one application, four builds, one store", () => {
  it("stores byte-identical rows in every build when written in the taught forms", () => {
    const rows = Object.fromEntries(
      (Object.keys(BUILDS) as Build[]).map((buildName) => {
        const database = newDatabase();
        ok(buildName, "safe", database, ["register", "Fido"]);
        ok(buildName, "safe", database, ["add-trick", "Fido", "roll over"]);
        ok(buildName, "safe", database, ["add-trick", "Fido", "play dead"]);
        return [buildName, storedRows(database)];
      }),
    );
    const events = rows.tsc?.dogschool_events as { topic: string; state: Uint8Array }[];
    expect(Object.keys(rows.tsc ?? {})).toEqual(["dogschool_events", "sqlite_sequence"]);
    expect(events.map((row) => row.topic)).toEqual([
      "Dog.Created",
      "Dog.TrickAdded",
      "Dog.TrickAdded",
    ]);
    expect(Buffer.from(events[1]?.state ?? []).toString()).toBe(
      '{"trick":"roll over","timestamp":{"_type_":"datetime_iso","_data_":"2026-01-01T12:00:00.000Z"}}',
    );
    for (const buildName of BUNDLES) expect(rows[buildName]).toEqual(rows.tsc);
  });

  it("reads and extends in each build what the others stored", () => {
    const database = newDatabase();
    ok("tsc", "safe", database, ["register", "Rex"]);
    const tricks = ["sit"];
    ok("tsc", "safe", database, ["add-trick", "Rex", "sit"]);
    for (const buildName of BUNDLES) {
      tricks.push(`${buildName} trick`);
      expect(ok(buildName, "safe", database, ["add-trick", "Rex", `${buildName} trick`])).toEqual({
        name: "Rex",
        tricks,
        version: tricks.length + 1,
      });
    }
    const expected = { name: "Rex", tricks, version: 5 };
    for (const buildName of Object.keys(BUILDS) as Build[]) {
      expect(ok(buildName, "safe", database, ["show", "Rex"])).toEqual(expected);
    }
  });

  it("finds @es/cipher's cipher and compressor from every build", () => {
    const database = newDatabase();
    const env = {
      CIPHER_TOPIC: "@es/cipher:AESCipher",
      CIPHER_KEY: AESCipher.createKey(),
      COMPRESSOR_TOPIC: "@es/cipher:ZlibCompressor",
    };
    ok("tsc", "safe", database, ["register", "Bella"], env);
    for (const buildName of BUNDLES)
      ok(buildName, "safe", database, ["add-trick", "Bella", buildName], env);
    for (const buildName of Object.keys(BUILDS) as Build[]) {
      expect(ok(buildName, "safe", database, ["show", "Bella"], env)).toEqual({
        name: "Bella",
        tricks: BUNDLES,
        version: 4,
      });
    }
    const states = (storedRows(database).dogschool_events as { state: Uint8Array }[]).map((row) =>
      Buffer.from(row.state).toString("latin1"),
    );
    expect(states.some((state) => state.includes("Bella") || state.includes("minified"))).toBe(
      false,
    );
  });

  it("refuses the unsafe forms in the builds that renamed them, storing nothing", () => {
    const database = newDatabase();
    // Unbundled, the names are the ones written: it works.
    ok("tsc", "unsafe", database, ["register", "Tom"]);
    expect(ok("tsc", "unsafe", database, ["add-trick", "Tom", "purr"])).toEqual({
      name: "Tom",
      tricks: ["purr"],
      version: 2,
    });
    const before = storedRows(database);
    expect((before.cattery_events as { topic: string }[]).map((row) => row.topic)).toEqual([
      "Cat.Created",
      "Cat.TrickAdded",
    ]);

    const refusals: Record<string, RegExp> = {
      // The bundle renamed `name` (main.ts has a top-level `name`) to `name2`.
      bundle: /ParameterError: Cat constructor: parameter 'name2' ends in a number/,
      // The minifier renamed every parameter in the bundle, this library's own included.
      minified: /this code was bundled with a minifier that renames parameters/,
      // The minifier renamed the parameters of the application's code (a decorated class
      // keeps its name: the decorator is given it as a string).
      external:
        /ParameterError: Cat constructor: the code was minified \(class 'Cat', parameters '\w'\)/,
    };
    for (const buildName of BUNDLES) {
      for (const args of [
        ["add-trick", "Tom", "hiss"],
        ["show", "Tom"],
      ]) {
        const result = run(buildName, "unsafe", database, args);
        expect(result.status, `${buildName} ${args.join(" ")}`).not.toBe(0);
        expect(result.stdout).toBe("");
        expect(result.stderr).toMatch(refusals[buildName] as RegExp);
      }
    }
    expect(storedRows(database)).toEqual(before);
    expect(ok("tsc", "unsafe", database, ["show", "Tom"])).toEqual({
      name: "Tom",
      tricks: ["purr"],
      version: 2,
    });
  });
});
