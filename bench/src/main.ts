/**
 * `pnpm bench`: the library's throughput on the in-memory and SQLite stores, beside the raw
 * better-sqlite3 limits measured in the same run with the same row shape and pragmas.
 *
 *   W1 save: AGGREGATES × (create + 9 commands), app.save after each → saves/s (= events/s)
 *   W2 get: repository.get of each aggregate (10 events) → aggregates/s
 *   W3 read the whole notification log in pages of 100 → notifications/s
 *   W4 one aggregate of 5,000 events: get without and with a snapshot → ms
 *
 * Options: AGGREGATES (default 2000), BENCH_DIR (default: a temporary folder).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Application } from "@es/application";
import type { Synchronous } from "@es/sqlite";
import { Account, Accounts } from "./model.js";
import { measureRawLimits, type RawLimits } from "./raw.js";

const AGGREGATES = Number(process.env.AGGREGATES ?? 2000);
const COMMANDS = 9;
const LONG = 5000;
const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), "es-bench-"));

interface Result {
  readonly store: string;
  readonly saves: number;
  readonly gets: number;
  readonly reads: number;
  readonly longGet: number;
  readonly snapshotGet: number;
  readonly raw?: RawLimits;
}

const perSecond = (count: number, ms: number) => count / (ms / 1000);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, performance.now() - started];
}

async function measure(
  store: string,
  env: Record<string, string>,
  raw?: RawLimits,
): Promise<Result> {
  const app: Application & Accounts = new Accounts({ env });
  await app.ready;

  const ids: string[] = [];
  const [, saveMs] = await timed(async () => {
    for (let i = 0; i < AGGREGATES; i++) {
      const account = Account.create(`owner ${i}`);
      await app.save(account);
      for (let c = 0; c < COMMANDS; c++) {
        account.deposit(10);
        await app.save(account);
      }
      ids.push(account.id);
    }
  });
  const saves = perSecond(AGGREGATES * (COMMANDS + 1), saveMs);

  const [, getMs] = await timed(async () => {
    for (const id of ids) await app.repository.get(id);
  });
  const gets = perSecond(ids.length, getMs);

  const [count, readMs] = await timed(async () => {
    let next = 1;
    let read = 0;
    for (;;) {
      const page = await app.log.select(next, 100);
      if (page.length === 0) return read;
      read += page.length;
      next = (page[page.length - 1]?.id ?? next) + 1;
    }
  });
  const reads = perSecond(count, readMs);

  await app.close();

  // W4 in an application with snapshotting enabled: before and after taking a snapshot.
  const w4 = new Accounts({ env: { ...env, IS_SNAPSHOTTING_ENABLED: "y" } });
  const long = Account.create("long");
  for (let i = 1; i < LONG; i++) long.deposit(1);
  await w4.save(long);
  await w4.repository.get(long.id); // warm
  const [, longGet] = await timed(() => w4.repository.get(long.id));
  await w4.takeSnapshot(long.id);
  await w4.repository.get(long.id); // warm
  const [, snapshotGet] = await timed(() => w4.repository.get(long.id));
  await w4.close();
  return { store, saves, gets, reads, longGet, snapshotGet, ...(raw ? { raw } : {}) };
}

/** Runs the workload briefly first, so that every store is measured with a warm JIT. */
async function warmUp(): Promise<void> {
  const app = new Accounts();
  for (let i = 0; i < 3000; i++) {
    const account = Account.create("warm-up");
    await app.save(account);
    for (let c = 0; c < COMMANDS; c++) {
      account.deposit(1);
      await app.save(account);
    }
    await app.repository.get(account.id);
  }
  await app.close();
}

function sqliteEnv(name: string, synchronous: Synchronous): Record<string, string> {
  return {
    INFRASTRUCTURE_FACTORY: "@es/sqlite",
    SQLITE_DBNAME: join(dir, `${name}.db`),
    SQLITE_SYNCHRONOUS: synchronous,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const ratio = (n: number, limit: number | undefined) =>
  limit ? ` (${(n / limit).toFixed(2)}×)` : "";

try {
  const rows = AGGREGATES * (COMMANDS + 1);
  await warmUp();
  const results: Result[] = [await measure("in-memory", {})];
  for (const synchronous of ["FULL", "NORMAL"] as const) {
    const raw = await measureRawLimits(
      join(dir, `raw-${synchronous}.db`),
      synchronous,
      Math.min(rows, 5000),
    );
    results.push(
      await measure(`sqlite ${synchronous}`, sqliteEnv(`bench-${synchronous}`, synchronous), raw),
    );
  }

  console.log(
    `\nes benchmark — ${AGGREGATES} aggregates × ${COMMANDS + 1} events, node ${process.version}`,
  );
  console.log("(ratios are to the raw better-sqlite3 limit measured in this run, same pragmas)\n");
  const table = results.map((r) => ({
    store: r.store,
    "W1 saves/s (= events/s)": `${fmt(r.saves)}${ratio(r.saves, r.raw?.insert1)}`,
    "W2 gets/s": `${fmt(r.gets)}${ratio(r.gets, r.raw?.lookup10)}`,
    "W3 notifications/s": `${fmt(r.reads)}${ratio(r.reads, r.raw?.paged)}`,
    "W4 get 5k events ms": r.longGet.toFixed(2),
    "W4 get via snapshot ms": r.snapshotGet.toFixed(3),
  }));
  console.table(table);
  console.log("\nraw better-sqlite3 limits (same run):");
  console.table(
    results
      .filter((r) => r.raw)
      .map((r) => ({
        pragmas: r.store.replace("sqlite ", "synchronous="),
        "1-row tx/s": fmt(r.raw?.insert1 ?? 0),
        "10-row tx/s": fmt(r.raw?.insert10 ?? 0),
        "10-row lookups/s": fmt(r.raw?.lookup10 ?? 0),
        "same via kysely/s": fmt(r.raw?.kyselyLookup10 ?? 0),
        "paged rows/s": fmt(r.raw?.paged ?? 0),
      })),
  );
  console.log(`\npeak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
}
