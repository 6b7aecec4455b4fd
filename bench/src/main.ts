/**
 * `pnpm bench`: the library's throughput on the in-memory store, SQLite and PostgreSQL, beside
 * the raw-driver limits measured in the same run with the same row shape (better-sqlite3 with
 * the same pragmas; pg with the same server and indexes), and beside Emmett on PostgreSQL.
 *
 *   W1 save: AGGREGATES × (create + 9 commands), app.save after each → saves/s (= events/s)
 *   W2 get: repository.get of each aggregate (10 events) → aggregates/s; and with the
 *      aggregate cache on (AGGREGATE_CACHE_MAXSIZE, fast-forwarding), gets of aggregates the
 *      application got or saved before; and the recorder's part alone (the stored events
 *      selected, not decoded), which is what the raw driver's lookups do; and W2 against the
 *      raw lookups with each state parsed as JSON (the least a decoding get does)
 *   W3 read the whole notification log in pages of 100 → notifications/s, median of 3
 *   W3t read only the accounts' Created notifications (1 in 10), in pages of 100, the store
 *      selecting them by topic → notifications read/s, median of 3
 *   W4 one aggregate of 5,000 events: get without and with a snapshot → ms, median of 7
 *   W5 (PostgreSQL) 4 concurrent writers saving for CONCURRENT_SECONDS → total saves/s
 *   W1 and W2 in turns with the raw driver (SQLite, PostgreSQL): rounds of saves and of the
 *      driver's one-row transactions, then of gets and of the driver's lookups of the same
 *      accounts; medians, and the ratio of the medians (paired.ts)
 *   W3 at scale (PostgreSQL, then SQLite): the last 10,000 of 10,000 and of 1,000,000 stored
 *      events; W3t at scale: by topic, a common one (1 in 10) and a rare one (1 in 10,000)
 *   System latency: save → follower processed, on each runner and store (median, p99)
 *   Live lag: save → seen by app.subscribe(), on each store in the same process, and from a
 *      writer process (SQLite: data_version; PostgreSQL: NOTIFY, and polling) (median, p99)
 *   Projections: a ProjectionRunner counting each originator's events into a view, on each
 *      store: catching up over 20,000 events and over the SCALE events stored for W3 at scale,
 *      beside W3 over the same events → events/s; live, save → the view shows it (median,
 *      p99); and Emmett's PostgreSQL projector doing the same on the same server (projections.ts)
 *   Integrity: W1/W2 with event hashing off and on; verifyStore over INTEGRITY_EVENTS hashed
 *      events beside W3 over them; checkpointing per 10,000 notifications (integrity.ts)
 *   Keep-up: Counters in a worker process following Worlds while 1, 4 and 16 writers save,
 *      with pages of 1 notification (one transaction each) and of the default size → upstream
 *      saves/s, follower notifications/s, max lag, drain time (keep-up.ts)
 *
 * Options: AGGREGATES (default 2000), CONCURRENT_SECONDS (default 10), SCALE (default
 * 1000000; 0 skips), LATENCY_SAMPLES (default 300, for the system latency and the live lag; 0
 * skips both), PROJECTIONS (events the projections catch up over, default 20000; 0 skips the
 * projections, at scale too), PROJECTION_SAMPLES (default 300, for the projections' live lag;
 * 0 skips it), KEEP_UP_SECONDS (default 10; 0 skips), KEEP_UP_PAGE_SIZES (default "1,1000"),
 * KEEP_UP_WRITERS (default "1,4,16"), INTEGRITY_AGGREGATES (default 300; 0 skips),
 * INTEGRITY_ROUNDS (default 5), INTEGRITY_EVENTS (default 1000000; 0 skips the verify),
 * PAIRED_ROUNDS (default 5; 0 skips), PAIRED_ACCOUNTS (a round's W1 accounts, default 200),
 * BENCH_DIR (default: a temporary folder), POSTGRES_* (a server to use; by default one is
 * started and stopped here).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Application } from "@es/application";
import type { Synchronous } from "@es/sqlite";
import { type EmmettResult, measureEmmett } from "./emmett.js";
import { integrityOptions, measureIntegrity, printIntegrity } from "./integrity.js";
import { keepUpOptions, keepUpStores, measureKeepUp, printKeepUp } from "./keep-up.js";
import { latencyStores, printLatency } from "./latency.js";
import { Account, Accounts, accountLife, COMMANDS } from "./model.js";
import { readAll } from "./pages.js";
import { measurePaired, type PairedResult, postgresRawDriver, sqliteRawDriver } from "./paired.js";
import {
  measurePostgresRawLimits,
  measureRawPagedReads,
  type PostgresRawLimits,
} from "./postgres-raw.js";
import {
  dropSchemas,
  forSeconds,
  type PostgresServer,
  perSecond,
  postgresServer,
} from "./postgres-server.js";
import { stage, steps } from "./progress.js";
import {
  type CatchUpResult,
  measureProjections,
  printProjections,
  projectAtScale,
  projectInMemoryAtScaleApart,
  projectionOptions,
} from "./projections.js";
import { inTurns, medianOf, rate, timed } from "./rounds.js";
import { measureScaling } from "./scaling.js";
import { measureRawLimits, measureRawTopicReads, type RawLimits } from "./sqlite-raw.js";
import { measureSqliteScaling } from "./sqlite-scaling.js";
import { lagStores, measureSubscriptionLag, printSubscriptionLag } from "./subscription-lag.js";
import { measureSystemLatency } from "./system-latency.js";

const AGGREGATES = Number(process.env.AGGREGATES ?? 2000);
const CONCURRENT_SECONDS = Number(process.env.CONCURRENT_SECONDS ?? 10);
const SCALE = Number(process.env.SCALE ?? 1_000_000);
const LATENCY_SAMPLES = Number(process.env.LATENCY_SAMPLES ?? 300);
const LONG = 5000;
const REPEATS = 7;
const PAIRED = {
  rounds: Number(process.env.PAIRED_ROUNDS ?? 5),
  accounts: Number(process.env.PAIRED_ACCOUNTS ?? 200),
};
const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), "es-bench-"));

interface Result {
  readonly store: string;
  readonly saves: number;
  readonly gets: number;
  /** W2 at the recorder: the same aggregates' stored events, selected but not decoded. */
  readonly storedGets: number;
  /** W2 with the aggregate cache on: gets of aggregates the application got or saved before. */
  readonly cachedGets: number;
  readonly reads: number;
  /** The raw driver's W3 on the same table, measured alternately with the library's. */
  readonly rawReads?: number;
  /** W3t: the Created notifications alone (1 in 10), selected by topic. */
  readonly topicReads: number;
  /** The raw driver's W3t on the same table, measured alternately with the library's. */
  readonly rawTopicReads?: number;
  readonly longGet: number;
  readonly snapshotGet: number;
  readonly concurrentSaves?: number;
}

/** The median time of `REPEATS` runs of `fn`, after one to warm up. */
async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) times.push((await timed(fn))[1]);
  return medianOf(times);
}

interface MeasureOptions {
  /** Whether to run W5 (4 concurrent writers). */
  readonly concurrent?: boolean;
  /** The raw driver's W3 on the application's table, given its name, to run beside ours. */
  readonly rawReads?: (table: string) => Promise<number>;
  /** The raw driver's W3t (the notifications of `topic`) on the application's table. */
  readonly rawTopicReads?: (topic: string) => Promise<number>;
}

/** W3 as a follower reads: from 1, pages of 100, each from the id after the last. */
const readLog = (app: Accounts, options?: { topics: string[] }) =>
  readAll(
    1,
    (next) => app.log.select(next, 100, options),
    (n) => n.id,
  );

async function measure(
  store: string,
  env: Record<string, string>,
  { concurrent = false, rawReads, rawTopicReads }: MeasureOptions = {},
): Promise<Result> {
  const app: Application & Accounts = new Accounts({ env });
  await app.ready;

  const ids: string[] = [];
  const saving = steps(
    `${store}: W1, ${AGGREGATES} accounts saved ${COMMANDS + 1} times each`,
    AGGREGATES,
  );
  const [, saveMs] = await timed(async () => {
    for (let i = 0; i < AGGREGATES; i++) {
      ids.push(await accountLife(app, `owner ${i}`));
      saving.tick();
    }
  });
  saving.stop();
  stage(
    `${store}: W2 gets, W3 and W3t reads${concurrent ? ", W5 4 writers" : ""}, cached gets, W4`,
  );
  const saves = perSecond(AGGREGATES * (COMMANDS + 1), saveMs);

  const [, getMs] = await timed(async () => {
    for (const id of ids) await app.repository.get(id);
  });
  const gets = perSecond(ids.length, getMs);
  const [, selectMs] = await timed(async () => {
    for (const id of ids) await app.recorder.selectEvents(id);
  });
  const storedGets = perSecond(ids.length, selectMs);

  // The library's reads and, if given, the raw driver's, alternately, 3 times each.
  const table = `"${env.POSTGRES_SCHEMA}"."accounts_events"`;
  const w3 = await inTurns(3, {
    ours: rate(() => readLog(app)),
    ...(rawReads ? { raw: () => rawReads(table) } : {}),
  });
  // W3t: the first notification is an account's Created, 1 in 10 of the log.
  const created = (await app.log.select(1, 1))[0]?.topic ?? "";
  const w3t = await inTurns(3, {
    ours: rate(() => readLog(app, { topics: [created] })),
    ...(rawTopicReads ? { raw: () => rawTopicReads(created) } : {}),
  });

  let concurrentSaves: number | undefined;
  if (concurrent) {
    // 4 writers, each saving accounts' lives one after another, sharing the application.
    const counts = await Promise.all(
      Array.from({ length: 4 }, async () => {
        let current: Account | undefined;
        return forSeconds(CONCURRENT_SECONDS, async () => {
          if (!current || current.version > COMMANDS) current = Account.create("concurrent");
          else current.deposit(10);
          await app.save(current);
        });
      }),
    );
    concurrentSaves = counts.reduce((sum, n) => sum + n, 0) / CONCURRENT_SECONDS;
  }
  await app.close();
  const cachedGets = await measureCachedGets(env, store === "in-memory" ? undefined : ids);

  // W4 in an application with snapshotting enabled: before and after taking a snapshot.
  const w4 = new Accounts({ env: { ...env, IS_SNAPSHOTTING_ENABLED: "y" } });
  const long = Account.create("long");
  for (let i = 1; i < LONG; i++) long.deposit(1);
  await w4.save(long);
  const longGet = await median(() => w4.repository.get(long.id));
  await w4.takeSnapshot(long.id);
  const snapshotGet = await median(() => w4.repository.get(long.id));
  await w4.close();
  return {
    store,
    saves,
    gets,
    storedGets,
    cachedGets,
    reads: w3.ours,
    ...(w3.raw === undefined ? {} : { rawReads: w3.raw }),
    topicReads: w3t.ours,
    ...(w3t.raw === undefined ? {} : { rawTopicReads: w3t.raw }),
    longGet,
    snapshotGet,
    ...(concurrentSaves === undefined ? {} : { concurrentSaves }),
  };
}

/**
 * W2 with the aggregate cache on (fast-forwarding, as by default): an application keeping every
 * aggregate gets each of `ids` once to fill its cache, then again, timed. In memory, where
 * another instance has none of the first's events, it saves its own accounts (each save puts
 * the account in the cache).
 */
async function measureCachedGets(
  env: Record<string, string>,
  ids: readonly string[] | undefined,
): Promise<number> {
  const app = new Accounts({ env: { ...env, AGGREGATE_CACHE_MAXSIZE: "0" } });
  await app.ready;
  const cached: string[] = [];
  if (ids) {
    for (const id of ids) await app.repository.get(id);
    cached.push(...ids);
  } else {
    for (let i = 0; i < AGGREGATES; i++) cached.push(await accountLife(app, `cached ${i}`));
  }
  const [, ms] = await timed(async () => {
    for (const id of cached) await app.repository.get(id);
  });
  await app.close();
  return perSecond(cached.length, ms);
}

/** Runs the workload briefly first, so that every store is measured with a warm JIT. */
async function warmUp(): Promise<void> {
  const app = new Accounts();
  for (let i = 0; i < 3000; i++) await app.repository.get(await accountLife(app, "warm-up"));
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
const times = (n: number, limit: number | undefined) => (limit ? `${(n / limit).toFixed(2)}×` : "");

/** A title, a table of reads at scale, then each plan under its title, indented. */
function printAtScale(
  title: string,
  rows: readonly Record<string, string>[],
  plans: Record<string, readonly string[]>,
): void {
  console.log(`\n${title}`);
  console.table(rows);
  for (const [what, lines] of Object.entries(plans)) {
    console.log(what);
    for (const line of lines) console.log(`  ${line}`);
  }
}

let stopPostgres: (() => Promise<void>) | undefined;
try {
  const rows = AGGREGATES * (COMMANDS + 1);
  await warmUp();
  const results: Result[] = [await measure("in-memory", {})];
  const sqliteRaw: Record<string, RawLimits> = {};
  const paired: PairedResult[] = [];
  for (const synchronous of ["FULL", "NORMAL"] as const) {
    const store = `sqlite ${synchronous}`;
    stage(`${store}: the raw driver's limits`);
    sqliteRaw[store] = await measureRawLimits(
      join(dir, `raw-${synchronous}.db`),
      synchronous,
      Math.min(rows, 5000),
    );
    const env = sqliteEnv(`bench-${synchronous}`, synchronous);
    const rawTopicReads = (topic: string) =>
      measureRawTopicReads(env.SQLITE_DBNAME ?? "", "accounts_events", topic);
    results.push(await measure(store, env, { rawTopicReads }));
    if (PAIRED.rounds > 0) {
      stage(`${store}: W1 and W2 beside the raw driver, in turns, ${PAIRED.rounds} rounds`);
      const pairedEnv = sqliteEnv(`paired-${synchronous}`, synchronous);
      const raw = sqliteRawDriver(
        join(dir, `raw-paired-${synchronous}.db`),
        pairedEnv.SQLITE_DBNAME ?? "",
        synchronous,
      );
      paired.push(await measurePaired(store, pairedEnv, raw, PAIRED));
    }
  }

  let server: PostgresServer;
  stage("postgres: starting the server (or using the one POSTGRES_* names)");
  [server, stopPostgres] = await postgresServer();
  // The raw limits are measured before and after the library's run and averaged, so that a
  // machine that speeds up or slows down meanwhile biases neither side.
  const rawLimits = () =>
    measurePostgresRawLimits(server, Math.min(rows, 5000), CONCURRENT_SECONDS);
  stage("postgres: the raw driver's limits (before)");
  const rawBefore = await rawLimits();
  const schema = `bench_${Date.now()}`;
  const postgres = await measure(
    "postgres",
    { INFRASTRUCTURE_FACTORY: "@es/postgres", POSTGRES_SCHEMA: schema },
    {
      concurrent: true,
      rawReads: (table) => measureRawPagedReads(server, table),
      rawTopicReads: (topic) =>
        measureRawPagedReads(server, `"${schema}"."accounts_events"`, topic),
    },
  );
  if (PAIRED.rounds > 0) {
    stage(`postgres: W1 and W2 beside the raw driver, in turns, ${PAIRED.rounds} rounds`);
    const pairedSchema = `paired_${Date.now()}`;
    paired.push(
      await measurePaired(
        "postgres",
        { INFRASTRUCTURE_FACTORY: "@es/postgres", POSTGRES_SCHEMA: pairedSchema },
        await postgresRawDriver(server, pairedSchema),
        PAIRED,
      ),
    );
    await dropSchemas(server, [pairedSchema]);
  }
  stage("postgres: the raw driver's limits (after)");
  const rawAfter = await rawLimits();
  const pgRaw = Object.fromEntries(
    Object.entries(rawBefore).map(([key, before]) => [
      key,
      (before + rawAfter[key as keyof PostgresRawLimits]) / 2,
    ]),
  ) as unknown as PostgresRawLimits;
  results.push(postgres);
  stage("Emmett: the same workloads");
  const emmett: EmmettResult = await measureEmmett(
    server,
    AGGREGATES,
    COMMANDS,
    CONCURRENT_SECONDS,
  );
  // The projections' catch-up at scale runs over the events W3 at scale stores, once read.
  const projections = projectionOptions();
  const atScale: CatchUpResult[] = [];
  const projectAt = (store: string) =>
    projections.events > 0 ? projectAtScale(store, atScale) : undefined;
  if (SCALE > 0) {
    stage(
      `scale: ${SCALE.toLocaleString("en-US")} events bulk-loaded into PostgreSQL, then SQLite (minutes), W2 and W3 read`,
    );
  }
  const scaling =
    SCALE > 0 ? await measureScaling(server, [10_000, SCALE], projectAt("postgres")) : undefined;
  const sqliteScaling =
    SCALE > 0 ? await measureSqliteScaling(dir, [10_000, SCALE], projectAt("sqlite")) : undefined;
  if (SCALE > 0 && projections.events > 0) {
    atScale.push(await projectInMemoryAtScaleApart(SCALE));
  }
  if (LATENCY_SAMPLES > 0)
    stage(`latency: ${LATENCY_SAMPLES} samples of system and subscription lag`);
  const latency =
    LATENCY_SAMPLES > 0
      ? await measureSystemLatency(latencyStores(dir), LATENCY_SAMPLES)
      : undefined;
  const lag =
    LATENCY_SAMPLES > 0 ? await measureSubscriptionLag(lagStores(dir), LATENCY_SAMPLES) : undefined;
  if (projections.events > 0)
    stage(`projections: catch-up of ${projections.events.toLocaleString("en-US")} events`);
  const projected =
    projections.events > 0 ? await measureProjections(server, dir, projections) : undefined;
  const keepUp = keepUpOptions();
  if (keepUp.seconds > 0) stage(`keep-up: ${keepUp.seconds}s of writers and followers`);
  const keptUp = keepUp.seconds > 0 ? await measureKeepUp(keepUpStores(dir), keepUp) : undefined;
  const integrity = integrityOptions();
  if (integrity.aggregates > 0)
    stage("integrity: W1 and W2 with hashing off and on, verify and checkpoints");
  const integrityResults =
    integrity.aggregates > 0 ? await measureIntegrity(server, dir, integrity) : undefined;

  console.log(
    `\nes benchmark — ${AGGREGATES} aggregates × ${COMMANDS + 1} events, node ${process.version}`,
  );
  console.log(
    "(ratios are to the raw driver limit measured in this run: better-sqlite3 with the same pragmas, pg on the same server)\n",
  );
  const limits = (store: string) => {
    const sqlite = sqliteRaw[store];
    if (sqlite) {
      return {
        save: sqlite.insert1,
        get: sqlite.lookup10,
        parsedGet: sqlite.lookup10Parsed,
        read: sqlite.paged,
      };
    }
    if (store === "postgres") {
      return {
        save: pgRaw.insert1,
        get: pgRaw.lookup10,
        parsedGet: pgRaw.lookup10Parsed,
        read: postgres.rawReads,
      };
    }
    return undefined;
  };
  console.table(
    results.map((r) => ({
      store: r.store,
      "W1 saves/s (= events/s)": `${fmt(r.saves)}${ratio(r.saves, limits(r.store)?.save)}`,
      "W2 gets/s": `${fmt(r.gets)}${ratio(r.gets, limits(r.store)?.get)}`,
      "W2 vs lookups + JSON.parse": times(r.gets, limits(r.store)?.parsedGet),
      "W2 stored events only/s": `${fmt(r.storedGets)}${ratio(r.storedGets, limits(r.store)?.get)}`,
      "W2 cached gets/s": `${fmt(r.cachedGets)}${ratio(r.cachedGets, limits(r.store)?.get)}`,
      "W3 notifications/s": `${fmt(r.reads)}${ratio(r.reads, limits(r.store)?.read)}`,
      "W3t 1-in-10 topic/s": `${fmt(r.topicReads)}${ratio(r.topicReads, r.rawTopicReads)}`,
      "W4 get 5k events ms": r.longGet.toFixed(2),
      "W4 via snapshot ms": r.snapshotGet.toFixed(3),
      "W5 4 writers saves/s":
        r.concurrentSaves === undefined
          ? ""
          : `${fmt(r.concurrentSaves)}${ratio(r.concurrentSaves, pgRaw.concurrent4)}`,
    })),
  );
  console.log(`(W4: median of ${REPEATS} gets after one to warm up)`);

  if (paired.length > 0) {
    console.log(
      `\nW1 and W2 beside the raw driver, in turns (${PAIRED.rounds} rounds, ${PAIRED.accounts} accounts a round; medians; raw lookups of the same accounts' rows):`,
    );
    console.table(
      paired.map((p) => ({
        store: p.store,
        "W1 saves/s": `${fmt(p.saves)}${ratio(p.saves, p.rawInserts)}`,
        "raw 1-row tx/s": fmt(p.rawInserts),
        "W2 gets/s": `${fmt(p.gets)}${ratio(p.gets, p.rawLookups)}`,
        "raw lookups/s": fmt(p.rawLookups),
        "W2 vs lookups + JSON.parse": times(p.gets, p.rawParsedLookups),
      })),
    );
  }

  console.log("\nraw better-sqlite3 limits (same run):");
  console.table(
    Object.entries(sqliteRaw).map(([store, raw]) => ({
      pragmas: store.replace("sqlite ", "synchronous="),
      "1-row tx/s": fmt(raw.insert1),
      "10-row tx/s": fmt(raw.insert10),
      "10-row lookups/s": fmt(raw.lookup10),
      "+ JSON.parse/s": fmt(raw.lookup10Parsed),
      "same via kysely/s": fmt(raw.kyselyLookup10),
      "paged rows/s": fmt(raw.paged),
    })),
  );

  console.log(
    "\nraw pg limits (same run, same server; statements prepared once; mean of before and after the library's run):",
  );
  console.table([
    {
      "1-row insert/s (1 statement)": fmt(pgRaw.insert1),
      "1-row BEGIN/INSERT/COMMIT/s": fmt(pgRaw.insert1Tx),
      "10-row insert/s": fmt(pgRaw.insert10),
      "10-row lookups/s": fmt(pgRaw.lookup10),
      "+ JSON.parse/s": fmt(pgRaw.lookup10Parsed),
      "paged rows/s (the app's table)": fmt(postgres.rawReads ?? 0),
      "4 connections inserts/s": fmt(pgRaw.concurrent4),
    },
  ]);

  console.log(
    "\nEmmett (@event-driven-io/emmett-postgresql) doing the same work (same run, same server):",
  );
  const against = (ours: number, theirs: number) =>
    `${fmt(theirs)} (es: ${(ours / theirs).toFixed(2)}×)`;
  console.table([
    {
      "W1 saves/s": against(postgres.saves, emmett.saves),
      "W2 gets/s": against(postgres.gets, emmett.gets),
      "W3 notifications/s": against(postgres.reads, emmett.reads),
      "W5 4 writers saves/s": against(postgres.concurrentSaves ?? 0, emmett.concurrentSaves),
    },
  ]);

  const byTopic = (r: { commonReads: number; rareMs: number }) => ({
    "W3t 1-in-10 topic, the last 1,000/s": fmt(r.commonReads),
    "W3t 1-in-10,000 topic, all from 1, ms": r.rareMs.toFixed(2),
  });
  if (scaling) {
    printAtScale(
      "W2 and W3 at scale on PostgreSQL: 1,000 accounts' gets; the last 10,000 notifications, pages of 100 (median of 5, sizes in turn):",
      scaling.results.map((r) => ({
        "events stored": fmt(r.stored),
        "W2 gets/s": `${fmt(r.gets)}${ratio(r.gets, r.rawGets)}`,
        "pg alone, lookups/s": fmt(r.rawGets),
        "notifications/s": `${fmt(r.reads)}${ratio(r.reads, r.rawReads)}`,
        "the page query alone, rows/s": fmt(r.rawReads),
        ...byTopic(r),
      })),
      {
        "plan of a get's events (generic plan):": scaling.getPlan,
        "plan of a page read (generic plan):": scaling.plan,
        "plan of a page read by topic (generic plan, the rare topic's first page):":
          scaling.topicPlan,
      },
    );
  }
  if (sqliteScaling) {
    printAtScale(
      "W2, W3 and W3t at scale on SQLite (synchronous=FULL, analysed): 1,000 accounts' gets; pages of 100 (median of 5):",
      sqliteScaling.results.map((r) => ({
        "events stored": fmt(r.stored),
        "W2 gets/s": `${fmt(r.gets)}${ratio(r.gets, r.rawGets)}`,
        "better-sqlite3 alone, lookups/s": fmt(r.rawGets),
        "the last 10,000/s": fmt(r.reads),
        ...byTopic(r),
      })),
      {
        "plan of a get's events (EXPLAIN QUERY PLAN):": sqliteScaling.getPlan,
        "plan of a page read by topic (EXPLAIN QUERY PLAN):": sqliteScaling.plan,
      },
    );
  }
  if (latency) printLatency(latency);
  if (lag) printSubscriptionLag(lag);
  if (projected) printProjections({ ...projected, catchUp: [...projected.catchUp, ...atScale] });
  if (keptUp) printKeepUp(keptUp, keepUp.seconds);
  if (integrityResults) printIntegrity(integrityResults.costs, integrityResults.verifies);
  console.log(`\npeak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  await stopPostgres?.();
  if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
}
