/**
 * Projections: a `ProjectionRunner` keeping a view of counts — each originator's events, one
 * upsert `count = count + 1` per event (kysely, in the page's transaction; a `Map` in an
 * `InMemoryView`: the system tests' counting view, packages/system/test/projection-views.ts),
 * and by page: a projection with `processPage` that counts a page's events and writes them in
 * one multi-row upsert (`count = count + excluded.count`)
 * — in step with Accounts, on the in-memory store, SQLite (synchronous=FULL) and PostgreSQL,
 * pages of 1000 (the default); and Emmett's PostgreSQL projector counting the same into a
 * table, on the same server.
 *
 *   Catch-up: PROJECTIONS events stored (accounts of 10 events, 50 accounts a save), a runner
 *     started on an empty view until `caughtUp()` resolves (its counts then checked to sum to
 *     the events) → events/s; beside it W3 on the same store, in the same rounds: the same
 *     notifications read from 1 by `selectNotifications` in pages of 100, and nothing else
 *     done with them (also in pages of 1000, the runner's, for the read alone). The median of 3
 *     rounds, the view reset before each. Target (printed, not asserted): ≥ 0.5 × W3 on SQLite
 *     and PostgreSQL.
 *   At scale (SCALE events; SCALE=0 skips it): once, over the events W3 at scale stores
 *     (scaling.ts, sqlite-scaling.ts: accounts of 10 events), and on the in-memory store over as
 *     many inserted here the same way.
 *   Live lag: the clock starts when `save` is called (same process) or when the writer process
 *     is told to save (lag-writer.ts), and stops when `runner.waitFor(id)` resolves: the runner
 *     has committed the page's transaction with the event's count and tracking record (a
 *     reader of the view sees it), and settled its waiters. Same process: the runner is woken
 *     by the save itself; another process (saves 10 to 20 ms apart, at random): on SQLite by
 *     `data_version`, on PostgreSQL by the writer's NOTIFY (POSTGRES_NOTIFY_SUBSCRIBERS).
 *     Targets (printed): SQLite same process p99 ≤ 5 ms; PostgreSQL p99 ≤ 15 ms.
 *   Emmett (@event-driven-io/emmett-postgresql 0.42.0), in a database of its own on the same
 *     server, over as many events (streams of 10, one append each): a `postgreSQLProjection`
 *     upserting the same count per stream (one statement per event), run by a projector of a
 *     `postgreSQLEventStoreConsumer`, which processes a batch in one transaction and stores its
 *     checkpoint in it after each message (another statement) — exactly once, as the runner's
 *     pages are. The clock stops when the processor's `handle` of the batch with the event has
 *     resolved (committed).
 *     Catch-up: batches of 1000 as the runner's pages, no pause between full batches
 *     (`pullingFrequencyInMs: 0`; the default 50 ms would cap it at 20 batches a second), its
 *     rounds taken in turn with the library's on PostgreSQL; its puller sleeps 100 ms after its
 *     first batch, and that is counted. Live: the consumer has no LISTEN/NOTIFY, only polling,
 *     and when a poll finds less than a full batch its wait doubles, from 100 ms up to 1 s,
 *     whatever `pullingFrequencyInMs` says (that applies after a full batch only): it is
 *     measured as it is, an append (same process) at a random moment 0 to 1 s after the last
 *     was seen, so that each comes at any moment of the 1 s wait; at most 30 samples, after 2.
 *     Its processor starts from the last event appended, given as a checkpoint: in 0.42.0
 *     `startFrom: "END"` starts from the first (`readLastMessageGlobalPosition` orders its one
 *     row ascending, so it reads the first message's position).
 *
 * Options: PROJECTIONS (events, default 20000; 0 skips all of this), PROJECTION_SAMPLES (live
 * lag samples, default 300; 0 skips the live lags). `pnpm --filter @es/bench projections` runs
 * it alone (SCALE there defaults to 0: set it to fill and project the events at scale too).
 */
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { Application } from "@es/application";
import { storedEvent } from "@es/persistence-core";
import { ProjectionRunner } from "@es/system";
import { dumbo, sql } from "@event-driven-io/dumbo";
import { type Event, STREAM_DOES_NOT_EXIST } from "@event-driven-io/emmett";
import {
  getPostgreSQLEventStore,
  type PostgreSQLProcessor,
  postgreSQLEventStoreConsumer,
  postgreSQLProjection,
  postgreSQLProjector,
} from "@event-driven-io/emmett-postgresql";
import { countingView } from "../../packages/system/test/projection-views.js";
import { latencyStores } from "./latency.js";
import { Account, Accounts, Scaling } from "./model.js";
import { readAll } from "./pages.js";
import {
  connectionString,
  dropSchemas,
  type PostgresServer,
  perSecond,
  withClient,
} from "./postgres-server.js";
import { inTurns, rate } from "./rounds.js";
import { runAlone } from "./run-alone.js";
import { type AtScale, measureScaling, scaleEventOf } from "./scaling.js";
import { measureSqliteScaling } from "./sqlite-scaling.js";
import {
  type Lag,
  type LagStore,
  lagStores,
  stopWriter,
  timeSamples,
  writerProcess,
} from "./subscription-lag.js";

export interface ProjectionOptions {
  /** Events the catch-up projects (0: none of this runs). */
  readonly events: number;
  /** Live lag samples (0: no live lag). */
  readonly samples: number;
}

/** The options from the environment (see the top of this file). */
export const projectionOptions = (env = process.env): ProjectionOptions => ({
  // Accounts of 10 events each.
  events: Math.ceil(Number(env.PROJECTIONS ?? 20_000) / 10) * 10,
  samples: Number(env.PROJECTION_SAMPLES ?? 300),
});

export interface CatchUpResult {
  readonly store: string;
  readonly events: number;
  /** Events the runner projected per second, from `start()` until caught up. */
  readonly projected: number;
  /** The same, the projection counting a page's events in one multi-row upsert (`processPage`). */
  readonly pageProjected: number;
  /** W3: the same notifications read alone, in pages of 100, per second. */
  readonly reads: number;
  /** The same read in pages of the runner's size. */
  readonly pageReads: number;
  /** Emmett's projector over as many events on the same server (PostgreSQL only). */
  readonly emmett?: number;
}

export interface ProjectionLag extends Lag {
  readonly store: string;
  readonly writer: string;
  readonly woken: string;
  readonly samples: number;
}

export interface ProjectionResults {
  readonly catchUp: CatchUpResult[];
  readonly lag: ProjectionLag[];
  /** Emmett's live lag, and the library's on PostgreSQL in the same process. */
  readonly emmettLag?: { readonly emmett: ProjectionLag; readonly ours: ProjectionLag };
}

/** The runner's page size (its default), read alone beside W3's pages of 100. */
const PAGE_SIZE = 1000;
/** How long a catch-up may take (1,000,000 events at a few thousand a second, and then some). */
const CATCH_UP_MS = 3_600_000;
/** How long one live save may take to reach the view. */
const LIVE_MS = 10_000;
/** Accounts saved together in one save, when the events are stored. */
const ACCOUNTS_A_SAVE = 50;
/** Emmett's live lag takes a second or so a sample: at most this many. */
const EMMETT_LIVE_SAMPLES = 30;

/** The counting projection of the system tests, on the application's store, and its runner. */
async function countsOf(app: Application) {
  const counting = await countingView(app);
  return {
    runner: (byPage: boolean) =>
      new ProjectionRunner({
        application: app,
        projection: byPage ? counting.pageProjection() : counting.projection(),
        view: counting.view,
      }),
    reset: () => counting.view.reset(),
    /** The sum of the view's counts: the events it has processed. */
    total: async () => Object.values(await counting.counts()).reduce((sum, n) => sum + n, 0),
  };
}

/** Stores `events` (accounts of 10), `ACCOUNTS_A_SAVE` accounts a save. */
async function fill(app: Accounts, events: number): Promise<void> {
  for (let accounts = events / 10; accounts > 0; accounts -= ACCOUNTS_A_SAVE) {
    const batch = Array.from({ length: Math.min(accounts, ACCOUNTS_A_SAVE) }, () => {
      const account = Account.create("projected");
      for (let c = 1; c < 10; c++) account.deposit(10);
      return account;
    });
    await app.save(...batch);
  }
}

/**
 * The catch-up of `store` over the events `app` has stored (ids from 1, none missing), in
 * `rounds` taken in turns with W3 and with `also` (another measurement of the same rounds).
 */
async function catchUp(
  store: string,
  app: Application,
  rounds: number,
  also: { readonly emmett?: () => Promise<number> } = {},
): Promise<CatchUpResult> {
  const counts = await countsOf(app);
  const events = await app.recorder.maxNotificationId();
  const read = (pageSize: number) =>
    rate(() =>
      readAll(
        1,
        (next) => app.recorder.selectNotifications(next, pageSize),
        (n) => n.id,
      ),
    );
  const project = (byPage: boolean) => async () => {
    await counts.reset();
    const runner = counts.runner(byPage);
    const started = performance.now();
    await runner.start();
    await runner.caughtUp({ timeoutMs: CATCH_UP_MS });
    const ms = performance.now() - started;
    await runner.stop();
    const total = await counts.total();
    if (total !== events) throw new Error(`${store}: the counts sum to ${total}, not ${events}`);
    return perSecond(events, ms);
  };
  const rates = await inTurns(rounds, {
    reads: read(100),
    pageReads: read(PAGE_SIZE),
    projected: project(false),
    pageProjected: project(true),
    ...also,
  });
  return { store, events, ...rates };
}

/**
 * The catch-up over the events W3 at scale stores: what `measureScaling` and
 * `measureSqliteScaling` run on the largest, its result added to `results`.
 */
export const projectAtScale =
  (store: string, results: CatchUpResult[]): AtScale =>
  async (env) => {
    const app = new Scaling({ env });
    try {
      results.push(await catchUp(store, app, 1));
    } finally {
      await app.close();
    }
  };

/** The catch-up over `size` events inserted in memory as the events at scale are stored. */
export async function projectInMemoryAtScale(size: number): Promise<CatchUpResult> {
  const app = new Scaling();
  await app.ready;
  try {
    const states = new Map<string, Uint8Array>();
    // The same bytes for every event of a kind, as a store would give equal states.
    const stateOf = (json: string) => {
      if (!states.has(json)) states.set(json, new TextEncoder().encode(json));
      return states.get(json) as Uint8Array;
    };
    let account = "";
    for (let from = 1; from <= size; from += 10_000) {
      const batch = [];
      for (let i = from; i < from + 10_000 && i <= size; i++) {
        if (i % 10 === 1) account = randomUUID();
        const { topic, state } = scaleEventOf(i);
        const originatorVersion = ((i - 1) % 10) + 1;
        batch.push(
          storedEvent({ originatorId: account, originatorVersion, topic, state: stateOf(state) }),
        );
      }
      await app.recorder.insertEvents(batch);
    }
    return await catchUp("in-memory", app, 1);
  } finally {
    await app.close();
  }
}

/** `projectInMemoryAtScale` in a process of its own (in-memory-scale.ts). */
export async function projectInMemoryAtScaleApart(size: number): Promise<CatchUpResult> {
  const child = fork(new URL("./in-memory-scale.ts", import.meta.url), {
    env: { ...process.env, SCALE: String(size) },
  });
  const [result] = await Promise.all([
    new Promise<CatchUpResult>((resolve, reject) => {
      child.once("message", (message) => resolve(message as CatchUpResult));
      child.once("exit", (code) => reject(new Error(`the in-memory catch-up exited with ${code}`)));
    }),
    new Promise((resolve) => child.once("exit", resolve)),
  ]);
  return result;
}

/** The PostgreSQL schema of an environment, if it names one. */
const schemasOf = (env: Record<string, string>): string[] =>
  env.POSTGRES_SCHEMA ? [env.POSTGRES_SCHEMA] : [];

/**
 * The runner's live lag on each store: in the same process, then from a writer process where
 * the store says how (its stores that only poll are left out).
 */
async function measureLag(
  server: PostgresServer,
  stores: readonly LagStore[],
  samples: number,
): Promise<ProjectionLag[]> {
  const results: ProjectionLag[] = [];
  for (const { store, env, otherProcess, pollIntervalMs, woken } of stores) {
    if (pollIntervalMs !== undefined) continue;
    const storeEnv = env();
    const app = new Accounts({ env: storeEnv });
    try {
      const counts = await countsOf(app);
      const runner = counts.runner(false);
      await runner.start();
      try {
        if (woken !== undefined) {
          const lag = await timeSamples(samples, async () => {
            const ids = await app.save(Account.create("lag"));
            await runner.waitFor(ids.at(-1) ?? 0, { timeoutMs: LIVE_MS });
          });
          results.push({ store, writer: "same process", woken, samples, ...lag });
        }
        if (otherProcess !== undefined) {
          // The rest of the environment (the server's POSTGRES_*) the writer inherits.
          const child = await writerProcess({ ...storeEnv, ...otherProcess.env });
          try {
            const lag = await timeSamples(
              samples,
              async () => {
                // Caught up, and each save one event: the next id is the position's next.
                const target = runner.position + 1;
                child.send("save");
                await runner.waitFor(target, { timeoutMs: LIVE_MS });
              },
              { pause: [10, 20] },
            );
            const { woken } = otherProcess;
            results.push({ store, writer: "another process", woken, samples, ...lag });
          } finally {
            await stopWriter(child);
          }
        }
        await runner.caughtUp({ timeoutMs: LIVE_MS });
      } finally {
        await runner.stop();
      }
      const [total, events] = [await counts.total(), await app.recorder.maxNotificationId()];
      if (total !== events) throw new Error(`${store}: the counts sum to ${total}, not ${events}`);
    } finally {
      await app.close();
      await dropSchemas(server, schemasOf(storeEnv));
    }
  }
  return results;
}

type Opened = Event<"AccountOpened", { owner: string }>;
type Deposited = Event<"Deposited", { amount: number; timestamp: string }>;
type AccountEvent = Opened | Deposited;

/** Emmett's catch-up and live lag, on a database of its own, dropped by `close`. */
interface EmmettProjections {
  /** One catch-up over every event: events per second. */
  readonly catchUp: () => Promise<number>;
  readonly lag: (samples: number) => Promise<Lag>;
  readonly close: () => Promise<void>;
}

/**
 * A processor that says when it has processed: `committed(position)` resolves once the
 * transaction of a batch reaching `position` has committed (its `handle` resolved).
 */
function observed(inner: PostgreSQLProcessor<AccountEvent>): {
  readonly processor: PostgreSQLProcessor<AccountEvent>;
  readonly committed: (position: bigint, timeoutMs: number) => Promise<void>;
} {
  let last = -1n;
  const waiters = new Set<{ readonly position: bigint; readonly resolve: () => void }>();
  const processor: PostgreSQLProcessor<AccountEvent> = {
    id: inner.id,
    instanceId: inner.instanceId,
    type: inner.type,
    init: (options) => inner.init(options),
    start: (options) => inner.start(options),
    close: (options) => inner.close(options),
    get isActive() {
      return inner.isActive;
    },
    handle: async (messages, context) => {
      const result = await inner.handle(messages, context);
      const position = messages.at(-1)?.metadata.globalPosition;
      if (position !== undefined && position > last) last = position;
      for (const waiter of waiters) if (waiter.position <= last) waiter.resolve();
      return result;
    },
  };
  const committed = (position: bigint, timeoutMs: number) =>
    position <= last
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            waiters.delete(waiter);
            reject(new Error(`Emmett's projector didn't reach ${position} in ${timeoutMs} ms`));
          }, timeoutMs);
          const waiter = {
            position,
            resolve: () => {
              clearTimeout(timer);
              waiters.delete(waiter);
              resolve();
            },
          };
          waiters.add(waiter);
        });
  return { processor, committed };
}

/** Emmett's store with `events` appended (streams of 10), in a database made for it. */
async function emmettProjections(
  server: PostgresServer,
  events: number,
): Promise<EmmettProjections> {
  const database = `emmett_projections_${Date.now()}`;
  await withClient(server, (client) => client.query(`CREATE DATABASE "${database}"`));
  const url = connectionString({ ...server, database });
  const store = getPostgreSQLEventStore(url);
  const pool = dumbo({ connectionString: url });
  const close = async () => {
    await store.close();
    await pool.close();
    await withClient(server, (client) =>
      client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
    );
  };
  try {
    const deposit = (): Deposited => ({
      type: "Deposited",
      data: { amount: 10, timestamp: new Date().toISOString() },
    });
    // The global position of the last event appended: where a catch-up ends.
    let head = 0n;
    for (let accounts = events / 10; accounts > 0; accounts--) {
      const opened: Opened = { type: "AccountOpened", data: { owner: "projected" } };
      const appended = await store.appendToStream<AccountEvent>(
        `account-${randomUUID()}`,
        [opened, ...Array.from({ length: 9 }, deposit)],
        { expectedStreamVersion: STREAM_DOES_NOT_EXIST },
      );
      head = appended.lastEventGlobalPosition;
    }
    const projection = postgreSQLProjection<AccountEvent>({
      name: "counts",
      canHandle: ["AccountOpened", "Deposited"],
      init: async ({ context }) => {
        await context.execute.command(
          sql(
            "CREATE TABLE IF NOT EXISTS counts (stream_id text PRIMARY KEY, count integer NOT NULL)",
          ),
        );
      },
      handle: async (messages, { execute }) => {
        for (const { metadata } of messages) {
          await execute.command(
            sql(
              "INSERT INTO counts (stream_id, count) VALUES (%L, 1) ON CONFLICT (stream_id) DO UPDATE SET count = counts.count + 1",
              metadata.streamName,
            ),
          );
        }
      },
    });
    let rounds = 0;
    const catchUp = async () => {
      await pool.execute.command(sql("DROP TABLE IF EXISTS counts"));
      // A processor of its own each round, so that it starts from the beginning.
      const { processor, committed } = observed(
        postgreSQLProjector({ projection, processorId: `counts-${++rounds}` }),
      );
      const consumer = postgreSQLEventStoreConsumer<AccountEvent>({
        connectionString: url,
        processors: [processor],
        pulling: { batchSize: PAGE_SIZE, pullingFrequencyInMs: 0 },
        stopWhen: { noMessagesLeft: true },
      });
      const started = performance.now();
      const consuming = consumer.start();
      let ms: number;
      try {
        await committed(head, CATCH_UP_MS);
        ms = performance.now() - started;
      } finally {
        await consumer.close();
        await consuming;
      }
      const [row] = (
        await pool.execute.query<{ total: string }>(sql("SELECT sum(count) AS total FROM counts"))
      ).rows;
      if (Number(row?.total) !== events) {
        throw new Error(`Emmett: the counts sum to ${row?.total}, not ${events}`);
      }
      return perSecond(events, ms);
    };
    const lag = async (samples: number) => {
      const { processor, committed } = observed(
        // From the last event appended (`startFrom: "END"` would start from the first:
        // `readLastMessageGlobalPosition` reads the first message's position in 0.42.0).
        postgreSQLProjector({
          projection,
          processorId: "counts-live",
          startFrom: { lastCheckpoint: head },
        }),
      );
      const consumer = postgreSQLEventStoreConsumer<AccountEvent>({
        connectionString: url,
        processors: [processor],
      });
      const consuming = consumer.start();
      try {
        return await timeSamples(
          samples,
          async () => {
            const opened: Opened = { type: "AccountOpened", data: { owner: "lag" } };
            const { lastEventGlobalPosition } = await store.appendToStream<AccountEvent>(
              `account-${randomUUID()}`,
              [opened],
              { expectedStreamVersion: STREAM_DOES_NOT_EXIST },
            );
            await committed(lastEventGlobalPosition, LIVE_MS);
          },
          { pause: [0, 1000], warmUp: 2 },
        );
      } finally {
        await consumer.close();
        await consuming;
      }
    };
    return { catchUp, lag, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The projection benchmarks at PROJECTIONS events (see the top of this file). */
export async function measureProjections(
  server: PostgresServer,
  dir: string,
  { events, samples }: ProjectionOptions,
): Promise<ProjectionResults> {
  const emmett = await emmettProjections(server, events);
  try {
    const catchUps: CatchUpResult[] = [];
    for (const [store, env] of latencyStores(dir, "projections")) {
      const storeEnv = env();
      const app = new Accounts({ env: storeEnv });
      try {
        await fill(app, events);
        const also = store === "postgres" ? { emmett: emmett.catchUp } : {};
        catchUps.push(await catchUp(store, app, 3, also));
      } finally {
        await app.close();
        await dropSchemas(server, schemasOf(storeEnv));
      }
    }
    if (samples <= 0) return { catchUp: catchUps, lag: [] };
    const lag = await measureLag(server, lagStores(dir), samples);
    const ours = lag.find((r) => r.store === "postgres" && r.writer === "same process");
    const emmettSamples = Math.min(samples, EMMETT_LIVE_SAMPLES);
    const emmettLag: ProjectionLag = {
      store: "postgres (Emmett)",
      writer: "same process",
      woken: "its poll (every 1 s when idle)",
      samples: emmettSamples,
      ...(await emmett.lag(emmettSamples)),
    };
    return {
      catchUp: catchUps,
      lag,
      ...(ours ? { emmettLag: { emmett: emmettLag, ours } } : {}),
    };
  } finally {
    await emmett.close();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Whether `value` meets its target, said beside it. */
const against = (value: string, met: boolean, target: string) =>
  `${value} (target ${target}: ${met ? "met" : "NOT met"})`;

/** The p99 target of a live lag on a store, if it has one: SQLite (same process), PostgreSQL. */
function lagTarget(r: ProjectionLag): number | undefined {
  if (r.store.startsWith("sqlite")) return r.writer === "same process" ? 5 : undefined;
  return r.store === "postgres" ? 15 : undefined;
}

export function printProjections({ catchUp, lag, emmettLag }: ProjectionResults): void {
  console.log(
    "\nprojections catching up: a runner counting each originator's events into a view (pages of 1000; one upsert per event, and by page: one multi-row upsert per page, processPage), from an empty view until caught up, beside W3 on the same store in the same rounds:",
  );
  console.table(
    catchUp.map((r) => {
      const ratio = r.projected / r.reads;
      const pageRatio = r.pageProjected / r.reads;
      return {
        store: r.store,
        events: fmt(r.events),
        "projected events/s": fmt(r.projected),
        "W3 notifications/s (pages of 100)": fmt(r.reads),
        "projected ÷ W3": ratio.toFixed(2),
        "by page events/s": fmt(r.pageProjected),
        "by page ÷ W3":
          r.store === "in-memory"
            ? pageRatio.toFixed(2)
            : against(pageRatio.toFixed(2), pageRatio >= 0.5, "≥ 0.5"),
        "read alone in pages of 1000/s": fmt(r.pageReads),
      };
    }),
  );
  console.log("(median of 3 rounds at the smaller size, one round at scale)");
  if (lag.length > 0) {
    console.log(
      `\nprojections live: save → the view shows it (runner.waitFor resolved: the page's transaction committed) (${lag[0]?.samples ?? 0} saves each, after 20 to warm up):`,
    );
    console.table(
      lag.map((r) => {
        const target = lagTarget(r);
        const p99 = r.p99Ms.toFixed(2);
        return {
          store: r.store,
          writer: r.writer,
          "woken by": r.woken,
          "median ms": r.medianMs.toFixed(2),
          "p99 ms": target === undefined ? p99 : against(p99, r.p99Ms <= target, `≤ ${target}`),
        };
      }),
    );
  }
  const postgres = catchUp.find((r) => r.emmett !== undefined);
  if (postgres?.emmett === undefined && emmettLag === undefined) return;
  console.log(
    "\nEmmett's PostgreSQL projector counting the same into a table (same run, same server; es ÷ Emmett: above 1 is ahead for events/s, below 1 for lag):",
  );
  const row: Record<string, string> = {};
  if (postgres?.emmett !== undefined) {
    const ratio = postgres.projected / postgres.emmett;
    row[`catch-up events/s (${fmt(postgres.events)})`] =
      `${fmt(postgres.emmett)} (es ÷ Emmett: ${against(ratio.toFixed(2), ratio > 1, "> 1")})`;
  }
  if (emmettLag) {
    const { emmett, ours } = emmettLag;
    for (const [what, theirs, mine] of [
      ["median", emmett.medianMs, ours.medianMs],
      ["p99", emmett.p99Ms, ours.p99Ms],
    ] as const) {
      const ratio = mine / theirs;
      row[`live lag ${what} ms (${emmett.samples} appends)`] =
        `${theirs.toFixed(2)} (es ÷ Emmett: ${against(ratio.toFixed(3), ratio < 1, "< 1")})`;
    }
  }
  console.table([row]);
}

await runAlone(import.meta.url, async (dir, _samples, server) => {
  const options = projectionOptions();
  const scale = Number(process.env.SCALE ?? 0);
  if (options.events <= 0) return;
  const atScale: CatchUpResult[] = [];
  if (scale > 0) {
    await measureScaling(server, [scale], projectAtScale("postgres", atScale));
    await measureSqliteScaling(dir, [scale], projectAtScale("sqlite", atScale));
    atScale.push(await projectInMemoryAtScaleApart(scale));
  }
  const results = await measureProjections(server, dir, options);
  printProjections({ ...results, catchUp: [...results.catchUp, ...atScale] });
});
