/**
 * `pnpm --filter @es/bench latency`: the system latency alone (see system-latency.ts), on the
 * in-memory store, a SQLite file and PostgreSQL (started here unless POSTGRES_* name one).
 * Options: LATENCY_SAMPLES (default 300).
 */
import { join } from "node:path";
import { runAlone } from "./run-alone.js";
import { type LatencyResult, measureSystemLatency } from "./system-latency.js";

let made = 0;

/**
 * The stores, each call giving a fresh database for a runner: a file in `dir`, a schema (named
 * after `name`).
 */
export const latencyStores = (
  dir: string,
  name = "latency",
): readonly (readonly [string, () => Record<string, string>])[] => [
  ["in-memory", () => ({})],
  [
    "sqlite",
    () => ({
      INFRASTRUCTURE_FACTORY: "@es/sqlite",
      SQLITE_DBNAME: join(dir, `${name}-${++made}.db`),
    }),
  ],
  [
    "postgres",
    () => ({
      INFRASTRUCTURE_FACTORY: "@es/postgres",
      POSTGRES_SCHEMA: `${name}_${Date.now()}_${++made}`,
    }),
  ],
];

export function printLatency(results: readonly LatencyResult[]): void {
  console.log(
    `\nsystem latency: save → follower processed (${results[0]?.samples ?? 0} saves each, after 20 to warm up):`,
  );
  console.table(
    results.map((r) => ({
      runner: r.runner,
      store: r.store,
      "median ms": r.medianMs.toFixed(2),
      "p99 ms": r.p99Ms.toFixed(2),
    })),
  );
}

await runAlone(import.meta.url, async (dir, samples) => {
  printLatency(await measureSystemLatency(latencyStores(dir), samples));
});
