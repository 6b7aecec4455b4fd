/**
 * The time from a save to its processing by a follower, on each runner: Worlds saves one
 * event, and the clock stops when Counters has recorded its tracking record for it (as the
 * store says: the caller polls the follower's tracking, yielding between queries). The
 * single-threaded runner has processed it when the save returns; the concurrent one in a loop
 * of the same process; the multi-process one in a worker process, prompted across processes
 * (relayed by the runner on SQLite, by LISTEN/NOTIFY on PostgreSQL).
 */
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { Counters, system, Worlds } from "@es/example-counters-system/system";
import {
  ConcurrentRunner,
  MultiProcessRunner,
  type Runner,
  SingleThreadedRunner,
} from "@es/system";

export interface LatencyResult {
  readonly runner: string;
  readonly store: string;
  readonly samples: number;
  readonly medianMs: number;
  readonly p99Ms: number;
}

/** Enough names and worlds that no aggregate's history grows long (each is replayed). */
const WHATS = Array.from({ length: 50 }, (_, i) => `thing-${i}`);
const WORLDS = 50;

/** The value at quantile `q` (0.5: the median) of values sorted in increasing order. */
export const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function measureOne(
  name: string,
  store: string,
  runner: Runner,
  samples: number,
): Promise<LatencyResult> {
  await runner.start();
  try {
    const worlds = runner.get(Worlds);
    const counters = runner.get(Counters);
    const ids: string[] = [];
    for (let i = 0; i < WORLDS; i++) ids.push(await worlds.createWorld());
    const processed = async (target: number) => {
      while ((await counters.processRecorder.maxTrackingId("Worlds")) < target) {
        await yieldToLoop();
      }
    };
    let target = await worlds.recorder.maxNotificationId();
    await processed(target);
    const times: number[] = [];
    for (let i = 0; i < samples + 20; i++) {
      const started = performance.now();
      await worlds.makeItSo(ids[i % WORLDS] as string, WHATS[i % WHATS.length] as string);
      target += 1;
      await processed(target);
      // The first few warm up connections and compiled code.
      if (i >= 20) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return {
      runner: name,
      store,
      samples,
      medianMs: quantile(times, 0.5),
      p99Ms: quantile(times, 0.99),
    };
  } finally {
    await runner.stop();
  }
}

/** Latency on each runner and store (`stores` gives each a fresh environment). */
export async function measureSystemLatency(
  stores: readonly (readonly [string, () => Record<string, string>])[],
  samples = 300,
): Promise<LatencyResult[]> {
  const results: LatencyResult[] = [];
  for (const [store, env] of stores) {
    results.push(
      await measureOne(
        "single-threaded",
        store,
        new SingleThreadedRunner(system, { env: env() }),
        samples,
      ),
    );
    results.push(
      await measureOne("concurrent", store, new ConcurrentRunner(system, { env: env() }), samples),
    );
    if (store === "in-memory") continue;
    const multiProcess = new MultiProcessRunner(system, {
      env: env(),
      module: import.meta.resolve("@es/example-counters-system/system"),
    });
    results.push(await measureOne("multi-process", store, multiProcess, samples));
  }
  return results;
}
