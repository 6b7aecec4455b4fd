/**
 * Whether a follower keeps up with its leader: Counters runs in a worker process (a
 * MultiProcessRunner) following Worlds, while 1, 4 or 16 writers in this process save to Worlds
 * for a fixed time, each save a get and a save of a world (a new world every 10 saves, so that no
 * history grows long). Measured: the writers' saves per second; the follower's notifications
 * processed per second while they write; the largest lag (Worlds' notifications not yet tracked
 * by Counters, sampled every 20 ms); and how long the follower takes to catch up once the
 * writers stop. Each page size is a system of its own (keep-up-system.ts); page size 1 records
 * each notification in its own transaction, as followers did before pages.
 *
 * `pnpm --filter @es/bench keep-up` runs it alone, on SQLite and PostgreSQL (started here unless
 * POSTGRES_* name a server). Options: KEEP_UP_SECONDS (default 10), KEEP_UP_PAGE_SIZES (default
 * "1,1000"; 10 and 100 too), KEEP_UP_WRITERS (default "1,4,16").
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep, setImmediate as yieldToLoop } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { Counters, Worlds } from "@es/example-counters-system/system";
import { MultiProcessRunner } from "@es/system";
import { exportNameOf, systems } from "./keep-up-system.js";
import { postgresServer } from "./postgres-server.js";

export interface KeepUpResult {
  readonly store: string;
  readonly pageSize: number;
  readonly writers: number;
  /** The writers' saves per second, all together. */
  readonly saves: number;
  /** Notifications the follower processed per second while the writers wrote. */
  readonly followed: number;
  /** The most notifications recorded and not yet processed, at any sample. */
  readonly maxLag: number;
  /** Milliseconds from the writers' stop until the follower had processed everything. */
  readonly drainMs: number;
}

export interface KeepUpOptions {
  readonly seconds: number;
  readonly pageSizes: readonly number[];
  readonly writers: readonly number[];
}

/** Enough names that no counter's history grows long (each is replayed on every increment). */
const WHATS = Array.from({ length: 50 }, (_, i) => `thing-${i}`);
/** Saves to a world before a writer starts another. */
const SAVES_PER_WORLD = 10;
const SAMPLE_MS = 20;

/** `writers` writers saving to Worlds for `seconds`: resolves to how many saves they made. */
async function write(worlds: Worlds, writers: number, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  const saved = await Promise.all(
    Array.from({ length: writers }, async () => {
      let saves = 0;
      let world = "";
      for (let i = 0; performance.now() < end; i++) {
        if (i % SAVES_PER_WORLD === 0) world = await worlds.createWorld();
        else await worlds.makeItSo(world, WHATS[i % WHATS.length] as string);
        saves++;
        // As requests would: a save on SQLite settles within microtasks, and writers that
        // never yield would starve the sampler and the prompts the runner relays.
        await yieldToLoop();
      }
      return saves;
    }),
  );
  return saved.reduce((sum, n) => sum + n, 0);
}

async function measureOne(
  store: string,
  env: Record<string, string>,
  pageSize: number,
  writers: number,
  seconds: number,
): Promise<KeepUpResult> {
  const system = systems[pageSize];
  if (!system) throw new Error(`No system with pages of ${pageSize} (see keep-up-system.ts)`);
  const runner = new MultiProcessRunner(system, {
    env,
    module: import.meta.resolve("./keep-up-system.ts"),
    exportName: exportNameOf(pageSize),
  });
  await runner.start();
  try {
    const worlds = runner.get(Worlds);
    const counters = runner.get(Counters);
    const tracked = () => counters.processRecorder.maxTrackingId("Worlds");
    const recorded = () => worlds.recorder.maxNotificationId();
    // Warm up the connections, the compiled code and the worker before the clock starts.
    await write(worlds, writers, 1);
    while ((await tracked()) < (await recorded())) await sleep(1);

    let writing = true;
    let maxLag = 0;
    const sampler = (async () => {
      while (writing) {
        const [up, down] = await Promise.all([recorded(), tracked()]);
        maxLag = Math.max(maxLag, up - down);
        await sleep(SAMPLE_MS);
      }
    })();
    const trackedBefore = await tracked();
    const saves = await write(worlds, writers, seconds);
    const stopped = performance.now();
    const trackedAtStop = await tracked();
    writing = false;
    await sampler;
    const last = await recorded();
    while ((await tracked()) < last) await sleep(1);
    const drainMs = performance.now() - stopped;
    return {
      store,
      pageSize,
      writers,
      saves: saves / seconds,
      followed: (trackedAtStop - trackedBefore) / seconds,
      maxLag,
      drainMs,
    };
  } finally {
    await runner.stop();
  }
}

/** The keep-up figures on each store, for each page size and number of writers. */
export async function measureKeepUp(
  stores: readonly (readonly [string, () => Record<string, string>])[],
  { seconds, pageSizes, writers }: KeepUpOptions,
): Promise<KeepUpResult[]> {
  const results: KeepUpResult[] = [];
  for (const [store, env] of stores) {
    for (const pageSize of pageSizes) {
      for (const count of writers) {
        results.push(await measureOne(store, env(), pageSize, count, seconds));
      }
    }
  }
  return results;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export function printKeepUp(results: readonly KeepUpResult[], seconds: number): void {
  console.log(
    `\nfollowers that keep up: Counters in a worker process following Worlds, writers saving for ${seconds} s (each save a get + save); page size 1 is one transaction per notification:`,
  );
  console.table(
    results.map((r) => ({
      store: r.store,
      "page size": r.pageSize,
      writers: r.writers,
      "upstream saves/s": fmt(r.saves),
      "follower notifications/s": fmt(r.followed),
      "max lag (notifications)": fmt(r.maxLag),
      "drain s": (r.drainMs / 1000).toFixed(2),
    })),
  );
}

let made = 0;

/** The stores, each call giving a fresh database (a SQLite file in `dir`, a schema). */
export const keepUpStores = (
  dir: string,
): readonly (readonly [string, () => Record<string, string>])[] => [
  [
    "postgres",
    () => ({
      INFRASTRUCTURE_FACTORY: "@es/postgres",
      POSTGRES_SCHEMA: `keep_up_${Date.now()}_${++made}`,
    }),
  ],
  [
    "sqlite",
    () => ({
      INFRASTRUCTURE_FACTORY: "@es/sqlite",
      SQLITE_DBNAME: join(dir, `keep-up-${++made}.db`),
    }),
  ],
];

const list = (value: string | undefined, fallback: readonly number[]): readonly number[] =>
  value ? value.split(",").map(Number) : fallback;

/** The options from the environment (see the top of this file). */
export const keepUpOptions = (env = process.env): KeepUpOptions => ({
  seconds: Number(env.KEEP_UP_SECONDS ?? 10),
  pageSizes: list(env.KEEP_UP_PAGE_SIZES, [1, 1000]),
  writers: list(env.KEEP_UP_WRITERS, [1, 4, 16]),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dir = mkdtempSync(join(tmpdir(), "es-keep-up-"));
  const [, stop] = await postgresServer();
  try {
    const options = keepUpOptions();
    printKeepUp(await measureKeepUp(keepUpStores(dir), options), options.seconds);
  } finally {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
