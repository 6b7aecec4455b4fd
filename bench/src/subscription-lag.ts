/**
 * Live lag: the time from a save to a subscription seeing it (the body of its `for await`
 * running), median and p99. In the same process, on each store, the clock starts when `save`
 * is called. Across processes, a writer process (lag-writer.ts) is told to save, and the clock
 * starts when it is told: on SQLite the subscription is woken by the file's `data_version`; on
 * PostgreSQL by the writer's NOTIFY (POSTGRES_NOTIFY_SUBSCRIBERS), or else by its poll (here
 * every 100 ms). Saves across processes come one at a time, at random moments (pauses of 10 to
 * 20 ms, or of one to two poll intervals), as sparse saves do.
 *
 * `pnpm --filter @es/bench lag` runs it alone (LATENCY_SAMPLES, default 300).
 */
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Account, Accounts } from "./model.js";
import { runAlone } from "./run-alone.js";
import { quantile } from "./system-latency.js";

export interface LagResult {
  readonly store: string;
  readonly writer: string;
  readonly woken: string;
  readonly samples: number;
  readonly medianMs: number;
  readonly p99Ms: number;
}

/** A store to measure: its environment (fresh each call), and how the lag is measured on it. */
export interface LagStore {
  readonly store: string;
  readonly env: () => Record<string, string>;
  /** Across processes: what the writer's environment adds, and what wakes the subscription. */
  readonly otherProcess?: { readonly env: Record<string, string>; readonly woken: string };
  /** Milliseconds the subscription polls at (default: the library's). */
  readonly pollIntervalMs?: number;
  /** What wakes a subscription in the writer's process. */
  readonly woken?: string;
}

let databases = 0;

/** The stores measured, each call of `env` a fresh database (a file in `dir`, a schema). */
export const lagStores = (dir: string): LagStore[] => {
  const postgres = () => ({
    INFRASTRUCTURE_FACTORY: "@es/postgres",
    POSTGRES_SCHEMA: `lag_${Date.now()}_${++databases}`,
  });
  return [
    { store: "in-memory", env: () => ({}), woken: "its own save" },
    {
      store: "sqlite (FULL)",
      env: () => ({
        INFRASTRUCTURE_FACTORY: "@es/sqlite",
        SQLITE_DBNAME: join(dir, `lag-${++databases}.db`),
      }),
      woken: "its own save",
      otherProcess: { env: {}, woken: "data_version (read every 5 ms)" },
    },
    {
      store: "postgres",
      env: postgres,
      woken: "its own save",
      otherProcess: { env: { POSTGRES_NOTIFY_SUBSCRIBERS: "y" }, woken: "NOTIFY" },
    },
    {
      store: "postgres",
      env: postgres,
      pollIntervalMs: 100,
      otherProcess: { env: {}, woken: "its poll (every 100 ms)" },
    },
  ];
};

const WARM_UP = 20;

export interface Lag {
  readonly medianMs: number;
  readonly p99Ms: number;
}

/**
 * Times `sample` (a save and the wait until it is seen) `samples` times, after `warmUp` more
 * to warm up connections and compiled code, each followed by a pause of random length between
 * the two of `pause` (ms), so that saves don't fall in step with a poll: the median and p99.
 */
export async function timeSamples(
  samples: number,
  sample: () => Promise<unknown>,
  {
    pause: [least, most] = [0, 0],
    warmUp = WARM_UP,
  }: { readonly pause?: readonly [number, number]; readonly warmUp?: number } = {},
): Promise<Lag> {
  const times: number[] = [];
  for (let i = 0; i < samples + warmUp; i++) {
    const started = performance.now();
    await sample();
    if (i >= warmUp) times.push(performance.now() - started);
    if (most > 0) await sleep(least + (most - least) * Math.random());
  }
  times.sort((a, b) => a - b);
  return { medianMs: quantile(times, 0.5), p99Ms: quantile(times, 0.99) };
}

/** Runs `save` once per sample, each time timing until the subscription has seen it. */
async function measure(
  app: Accounts,
  samples: number,
  pollIntervalMs: number | undefined,
  save: () => Promise<unknown>,
  pauseMs: number,
): Promise<Lag> {
  const after = await app.recorder.maxNotificationId();
  const subscription = app.subscribe({
    after,
    ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
  });
  let seen = after;
  let woken: (() => void) | undefined;
  const reading = (async () => {
    for await (const { tracking } of subscription) {
      seen = tracking.notificationId;
      woken?.();
    }
  })();
  const lag = await timeSamples(
    samples,
    async () => {
      const target = seen + 1;
      const arrived = new Promise<void>((resolve) => {
        woken = () => (seen >= target ? resolve() : undefined);
      });
      await save();
      await arrived;
    },
    { pause: [pauseMs, 2 * pauseMs] },
  );
  await subscription.return();
  await reading;
  return lag;
}

/** A writer process (lag-writer.ts) on `env`, ready to save: `send("save")`, `stopWriter`. */
export async function writerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = fork(new URL("./lag-writer.ts", import.meta.url), {
    env: { ...process.env, LAG_ENV: JSON.stringify(env) },
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`the lag writer exited with ${code}`)));
  });
  return child;
}

/** Stops a writer process: told to close its application, or killed if it can't be told. */
export async function stopWriter(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  if (child.connected) child.send("stop");
  else child.kill();
  await exited;
}

/** The live lag on each store: in the same process, then across processes where given. */
export async function measureSubscriptionLag(
  stores: readonly LagStore[],
  samples: number,
): Promise<LagResult[]> {
  const results: LagResult[] = [];
  for (const { store, env, otherProcess, pollIntervalMs, woken } of stores) {
    const storeEnv = env();
    const app = new Accounts({ env: storeEnv });
    await app.ready;
    const saveHere = () => app.save(Account.create("lag"));
    if (woken !== undefined) {
      const lag = await measure(app, samples, pollIntervalMs, saveHere, 0);
      results.push({ store, writer: "same process", woken, samples, ...lag });
    }
    if (otherProcess !== undefined) {
      // The rest of the environment (the server's POSTGRES_*) the writer inherits.
      const child = await writerProcess({ ...storeEnv, ...otherProcess.env });
      try {
        const saveThere = async () => {
          child.send("save");
        };
        // Pauses of 10 ms or more, and as long as the poll at least, so that a save comes at
        // any moment of its wait.
        const pauseMs = Math.max(10, pollIntervalMs ?? 0);
        const lag = await measure(app, samples, pollIntervalMs, saveThere, pauseMs);
        results.push({
          store,
          writer: "another process",
          woken: otherProcess.woken,
          samples,
          ...lag,
        });
      } finally {
        await stopWriter(child);
      }
    }
    await app.close();
  }
  return results;
}

export function printSubscriptionLag(results: readonly LagResult[]): void {
  console.log(
    `\nlive subscriptions: save → seen by app.subscribe() (${results[0]?.samples ?? 0} saves each, after ${WARM_UP} to warm up):`,
  );
  console.table(
    results.map((r) => ({
      store: r.store,
      writer: r.writer,
      "woken by": r.woken,
      "median ms": r.medianMs.toFixed(2),
      "p99 ms": r.p99Ms.toFixed(2),
    })),
  );
}

await runAlone(import.meta.url, async (dir, samples) => {
  printSubscriptionLag(await measureSubscriptionLag(lagStores(dir), samples));
});
