/** The PostgreSQL server the tests use, as the global setup provides it. */
import { inject } from "vitest";
import { type PostgresConnectionOptions, PostgresDatastore } from "../src/index.js";

/** The server's connection variables, as an application's environment names them. */
export interface PostgresServer {
  readonly POSTGRES_HOST: string;
  readonly POSTGRES_PORT: string;
  readonly POSTGRES_USER: string;
  readonly POSTGRES_PASSWORD: string;
  readonly POSTGRES_DBNAME: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresServer;
  }
}

export const server = (): PostgresServer => inject("postgres");

let counter = 0;
/** A table prefix no other test uses (tests share one database). */
export const uniquePrefix = (): string => `t${process.pid}_${Date.now().toString(36)}_${++counter}`;

/** A datastore on the test server (close it when done). */
export function datastore(overrides: Partial<PostgresConnectionOptions> = {}): PostgresDatastore {
  const s = server();
  return new PostgresDatastore({
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
  });
}
