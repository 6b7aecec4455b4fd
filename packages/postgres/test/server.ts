/** The PostgreSQL server the tests use, from the environment the global setup made. */
import pg from "pg";
import { afterEach, expect } from "vitest";
import {
  type PostgresAggregateRecorder,
  type PostgresConnectionOptions,
  PostgresDatastore,
  TableName,
} from "../src/index.js";

/** The server's connection variables, as an application's environment names them. */
export interface PostgresServer {
  readonly POSTGRES_HOST: string;
  readonly POSTGRES_PORT: string;
  readonly POSTGRES_USER: string;
  readonly POSTGRES_PASSWORD: string;
  readonly POSTGRES_DBNAME: string;
}

/** The test server, from the environment the global setup made (or the developer set). */
export function server(): PostgresServer {
  const { POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DBNAME } =
    process.env;
  if (!POSTGRES_HOST || !POSTGRES_USER || POSTGRES_PASSWORD === undefined || !POSTGRES_DBNAME) {
    throw new Error("No test server: run the tests with test/global-setup.ts, or set POSTGRES_*");
  }
  return {
    POSTGRES_HOST,
    POSTGRES_PORT: POSTGRES_PORT ?? "5432",
    POSTGRES_USER,
    POSTGRES_PASSWORD,
    POSTGRES_DBNAME,
  };
}

let counter = 0;
/** A table prefix no other test uses (tests share one database). */
export const uniquePrefix = (): string => `t${process.pid}_${Date.now().toString(36)}_${++counter}`;

/**
 * A datastore on the test server (close it when done). Its connections carry an application
 * name of their own, so a test can end them without touching other tests' connections.
 */
export function datastore(overrides: Partial<PostgresConnectionOptions> = {}): PostgresDatastore {
  return new PostgresDatastore(connectionOptions(overrides));
}

/** How a datastore connects to the test server, with an application name of its own. */
export function connectionOptions(
  overrides: Partial<PostgresConnectionOptions> = {},
): PostgresConnectionOptions {
  const s = server();
  return {
    applicationName: uniquePrefix(),
    host: s.POSTGRES_HOST,
    port: Number(s.POSTGRES_PORT),
    user: s.POSTGRES_USER,
    password: s.POSTGRES_PASSWORD,
    database: s.POSTGRES_DBNAME,
    ssl: false,
    maxConnections: 10,
    connMaxAgeMs: null,
    prePing: false,
    lockTimeoutMs: 0,
    idleInTransactionSessionTimeoutMs: 0,
    connectTimeoutMs: 5_000,
    ...overrides,
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A table name no other test uses, in the public schema. */
export const table = (suffix: string): TableName =>
  new TableName("public", `${uniquePrefix()}_${suffix}`);

/** A recorder on a datastore of its own, with its tables, closed after the test. */
export async function recorder<R extends PostgresAggregateRecorder>(
  make: (datastore: PostgresDatastore) => R,
  overrides: Partial<PostgresConnectionOptions> = {},
): Promise<R> {
  const store = datastore(overrides);
  cleanups.push(() => store.close());
  const made = make(store);
  await made.createTable();
  return made;
}

/** A datastore closed after the test. */
export function closedAfter(overrides: Partial<PostgresConnectionOptions> = {}): PostgresDatastore {
  const store = datastore(overrides);
  cleanups.push(() => store.close());
  return store;
}

/** A connection of the test's own, ended after it: to hold a lock, or end sessions. */
export async function connection(): Promise<pg.Client> {
  const made = await client();
  cleanups.push(() => made.end().catch(() => {}));
  return made;
}

/** A connection of a test's own (end it when done), e.g. to hold a lock or end sessions. */
export async function client(): Promise<pg.Client> {
  const s = server();
  const made = new pg.Client({
    host: s.POSTGRES_HOST,
    port: Number(s.POSTGRES_PORT),
    user: s.POSTGRES_USER,
    password: s.POSTGRES_PASSWORD,
    database: s.POSTGRES_DBNAME,
  });
  // Ended by the server, a client emits 'error' besides failing its statement in flight.
  made.on("error", () => {});
  await made.connect();
  return made;
}

/** Ends the server sessions of a datastore, as a failover or `pg_terminate_backend` does. */
export async function terminate(admin: pg.Client, store: PostgresDatastore): Promise<number> {
  const { rows } = await admin.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
    [store.options.applicationName],
  );
  // The clients hear of it asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return rows.length;
}

/**
 * Resolves once `count` sessions of `store` wait for a lock: how a test knows the statements it
 * started have reached the lock it holds, in the order it started them, however loaded the
 * machine is. `admin` must not be inside a transaction block, where the server would show it
 * the sessions as they were at the block's first look.
 */
export async function waitingForLock(
  admin: pg.Client,
  store: PostgresDatastore,
  count: number,
): Promise<void> {
  const waiting = async () => {
    const { rows } = await admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
      [store.options.applicationName],
    );
    return rows[0]?.n as number;
  };
  await expect.poll(waiting, { timeout: 30_000 }).toBe(count);
}

/** Resolves once the server session `pid` has ended, its transaction and locks gone with it. */
export async function sessionEnded(admin: pg.Client, pid: number): Promise<void> {
  const present = async () => {
    const { rows } = await admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1",
      [pid],
    );
    return rows[0]?.n as number;
  };
  await expect.poll(present, { timeout: 30_000 }).toBe(0);
}
