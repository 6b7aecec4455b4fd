/**
 * Stores for the CLI's tests, made by the application as a user's would be (a SQLite file, a
 * PostgreSQL schema on the test run's server), and the `es` command run on them as a
 * subprocess, as a user runs it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { World, Worlds } from "./fixtures/worlds.js";

export const PACKAGE = join(import.meta.dirname, "..");
const BIN = join(PACKAGE, "src", "bin.ts");

/** A store's variables: what `es` is configured with (and the application that filled it). */
export type StoreEnv = Record<string, string>;

/** The stores the commands are tested on. */
export const STORES = ["sqlite", "postgres"] as const;

/** A fresh, empty store's variables. */
export function freshStore(kind: (typeof STORES)[number], extra: StoreEnv = {}): StoreEnv {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "es-cli-"));
    return {
      INFRASTRUCTURE_FACTORY: "@es/sqlite",
      SQLITE_DBNAME: join(dir, "worlds.db"),
      ...extra,
    };
  }
  return {
    INFRASTRUCTURE_FACTORY: "@es/postgres",
    POSTGRES_SCHEMA: `cli_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`,
    ...extra,
  };
}

/** Saves `worlds` worlds of `changes` events after their created one each; resolves to their ids. */
export async function fill(env: StoreEnv, worlds = 3, changes = 2): Promise<string[]> {
  const app = new Worlds({ env });
  try {
    const ids: string[] = [];
    for (let i = 0; i < worlds; i++) {
      const world = World.create(`world ${i}`);
      for (let c = 0; c < changes; c++) world.makeItSo(`change ${c}`);
      await app.save(world);
      ids.push(world.id);
    }
    return ids;
  } finally {
    await app.close();
  }
}

/** What a run of `es` printed and how it ended. */
export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Only the variables a user's shell would give: the store's come from the test. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(INFRASTRUCTURE_FACTORY|SQLITE_|CIPHER_|COMPRESSOR_|IS_|ES_APP)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/** Runs `es` with the arguments on the store, to its end. */
export function es(args: readonly string[], env: StoreEnv = {}): Run {
  const result = spawnSync(process.execPath, ["--import", "tsx", BIN, ...args], {
    cwd: PACKAGE,
    encoding: "utf8",
    env: { ...baseEnv(), ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `es` with the arguments on the store, running until it ends or is stopped. */
export function esStarted(args: readonly string[], env: StoreEnv = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", BIN, ...args], {
    cwd: PACKAGE,
    env: { ...baseEnv(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The JSON objects of a run's lines. */
export const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
