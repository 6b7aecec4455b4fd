/**
 * How a measurement runs alone (`pnpm --filter @es/bench latency`, `… lag`, `… projections`):
 * in a temporary folder, with PostgreSQL started here unless POSTGRES_* name a server,
 * LATENCY_SAMPLES samples (default 300), everything stopped and removed when it ends.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type PostgresServer, postgresServer } from "./postgres-server.js";

/** Runs `body` if the module at `url` is the script Node was started with. */
export async function runAlone(
  url: string,
  body: (dir: string, samples: number, server: PostgresServer) => Promise<void>,
): Promise<void> {
  if (url !== pathToFileURL(process.argv[1] ?? "").href) return;
  const dir = mkdtempSync(join(tmpdir(), "es-bench-"));
  const [server, stop] = await postgresServer();
  try {
    await body(dir, Number(process.env.LATENCY_SAMPLES ?? 300), server);
  } finally {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
