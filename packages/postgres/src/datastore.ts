/**
 * A pool of PostgreSQL connections (pg) shared by an application's recorders.
 *
 * A connection that the server dropped (restarted, or `pg_terminate_backend`) is found out by
 * the pre-ping when it is enabled, or by the statement that fails; either way it is discarded.
 * A read is then tried again on a fresh connection. A write is tried again only if it was never
 * sent (a transaction whose BEGIN failed, a statement the driver refused to send): a write lost
 * after it was sent may have committed, so it fails with an OperationalError instead.
 *
 * Each write that commits notifies `commits`: how subscriptions in this process hear of it at
 * once, with no round trip.
 */
import { createHash } from "node:crypto";
import { ChangeNotifier, OperationalError, ProgrammingError } from "@es/persistence-core";
import pg from "pg";
import { isConnectionError, translateError } from "./errors.js";
import { preparedRows } from "./prepared-rows.js";
import type { PgTls } from "./tls.js";

/** How a datastore connects: the factory's options, resolved, with TLS spelled out for pg. */
export interface PostgresConnectionOptions {
  /** The server's host name or address. */
  readonly host: string;
  /** The server's port. */
  readonly port: number;
  /** The user to connect as. */
  readonly user: string;
  /** The user's password (kept out of `options`, messages and inspection). */
  readonly password: string;
  /** The database to connect to. */
  readonly database: string;
  /**
   * TLS: `false` (none), or the options of a TLS connection: whether the server's certificate
   * is checked, against which authorities (`ca`, else Node's), and the client's certificate and
   * key (`cert`, `key`: PEM), for a server that asks for one. The key is kept out of `options`.
   */
  readonly ssl: PgTls;
  /** Connections at most in the pool. */
  readonly maxConnections: number;
  /**
   * Milliseconds an idle connection is kept: `null` keeps it until the pool closes, and 0
   * closes each connection after the transaction that used it.
   */
  readonly connMaxAgeMs: number | null;
  /** Whether a connection is checked with `SELECT 1` before each use. */
  readonly prePing: boolean;
  /** Milliseconds a statement waits for a lock before failing (0: no limit). */
  readonly lockTimeoutMs: number;
  /** Milliseconds a transaction may sit idle before the server ends it (0: no limit). */
  readonly idleInTransactionSessionTimeoutMs: number;
  /** Milliseconds to wait for a connection to be made. */
  readonly connectTimeoutMs: number;
  /** The name the server shows for these connections (`pg_stat_activity.application_name`). */
  readonly applicationName?: string;
}

/** A query's result rows, with int8 values as numbers. */
export type Rows = Record<string, unknown>[];

/**
 * A connection of its own, outside the pool, that stays open to LISTEN. Declared here (as are
 * `Connection` and `Rows`) so that pg's own types never appear in this package's API.
 */
export interface ListeningConnection {
  /** Runs a statement (`LISTEN "channel"`, `UNLISTEN *`). */
  query(text: string): Promise<void>;
  /** Calls `listener` with each notification's channel and payload. */
  onNotification(listener: (channel: string, payload: string) => void): void;
  /** Calls `listener` once, when the connection ends (ended, lost, or ended by the server). */
  onEnd(listener: () => void): void;
  /** Closes the connection. */
  end(): Promise<void>;
}

/** What a statement gave: its rows, and what it did to how many. */
export interface StatementResult {
  /** The rows it returned. */
  readonly rows: Rows;
  /** Its command: `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `MERGE`… */
  readonly command: string;
  /** The rows it returned, or inserted, updated or deleted (null for some commands). */
  readonly rowCount: number | null;
}

/**
 * The part of a connection a transaction body uses, until the transaction ends: then its
 * statements are refused (the connection has gone back to the pool).
 */
export interface Connection {
  /** Runs a statement in the transaction, with `$1`, `$2`, … given by `values`. */
  query(text: string, values?: readonly unknown[]): Promise<Rows>;
  /** Runs a statement in the transaction, as `query` does: its rows, command and row count. */
  execute(text: string, values?: readonly unknown[]): Promise<StatementResult>;
}

/** int8 (bigint) as a number, refused beyond the safe integers rather than rounded. */
const INT8_OID = 20;
function int8(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) {
    throw new RangeError(`int8 value ${value} is beyond JavaScript's safe integers`);
  }
  return number;
}
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === INT8_OID) return int8;
    return pg.types.getTypeParser(oid, format as "text");
  }) as typeof pg.types.getTypeParser,
};

/**
 * A statement that each connection parses and plans once, on first use, then only executes (a
 * named prepared statement): for the recorders' statements, run thousands of times. Its name
 * is a hash of its text, so two statements can't share one.
 */
export class Prepared {
  readonly text: string;
  readonly name: string;

  constructor(text: string) {
    this.text = text;
    this.name = `es_${createHash("sha256").update(text).digest("base64url").slice(0, 32)}`;
  }
}

/** A statement's text, or the statement prepared. */
export type Statement = string | Prepared;

// (int8 parsing comes from the pool's `types`, which every connection inherits.)
const config = (statement: Statement, values: readonly unknown[] | undefined) =>
  typeof statement === "string"
    ? { text: statement, values: values as unknown[] }
    : { text: statement.text, name: statement.name, values: values as unknown[] };

/** The id in a row's first column (an int8, parsed as a number). */
function idOf([id]: unknown[]): number {
  if (typeof id !== "number") throw new TypeError(`The statement returned ${String(id)} as an id`);
  return id;
}

const RETRIES = 3;
const ENDED =
  "This PostgreSQL transaction has ended: its statements can't run any more (its connection is back in the pool)";
const RELEASE_SESSION_LOCKS = "SELECT pg_advisory_unlock_all()";
const ignore = (): void => {};
/** The pooled connections already given an 'error' listener (each is given one, once). */
const listening = new WeakSet<pg.PoolClient>();

/** Whether the driver refused a statement before sending it (its connection was already lost). */
const wasNotSent = (error: unknown): boolean =>
  error instanceof Error && error.message.includes("is not queryable");

/**
 * A pool of connections to one PostgreSQL database, shared by an application's recorders:
 * statements prepared once per connection, connections the server dropped replaced, reads
 * retried on a fresh connection, and driver errors translated into the library's.
 *
 * @example
 * ```ts
 * const datastore = new PostgresDatastore({ host, port: 5432, user, password, database,
 *   ssl: false, maxConnections: 10, connMaxAgeMs: null, prePing: false, lockTimeoutMs: 0,
 *   idleInTransactionSessionTimeoutMs: 0, connectTimeoutMs: 5000 });
 * const [row] = await datastore.query("SELECT count(*) AS n FROM worlds_events");
 * await datastore.close();
 * ```
 */
export class PostgresDatastore {
  /**
   * The options, less the password and the TLS key (kept out of sight, with the pool, in
   * private fields).
   */
  readonly options: Readonly<
    Omit<PostgresConnectionOptions, "password" | "ssl"> & {
      readonly ssl: false | Omit<Exclude<PostgresConnectionOptions["ssl"], false>, "key">;
    }
  >;
  /** Notified after each write this datastore commits (`write`, `transaction`). */
  readonly commits = new ChangeNotifier();
  readonly #pool: pg.Pool;
  /** How each connection is made (the password with it, so kept private). */
  readonly #clientConfig: pg.ClientConfig;
  #closed = false;
  /**
   * A connection kept out of the pool between statements, for the next one: an application
   * mostly runs one statement at a time, and a checkout from pg's pool cost a statement about
   * 7 µs of CPU and 12 µs here (a save is about 250 µs). It is kept only when connections have
   * no maximum age and no pre-ping, and no one is waiting for the pool; a connection the server
   * ends while it is kept is given back to the pool as broken (see `#connect`).
   */
  #spare: pg.PoolClient | undefined;
  readonly #keepsSpare: boolean;

  constructor(options: PostgresConnectionOptions) {
    const { password, ssl, ...shown } = options;
    const withoutKey = ({ key: _, ...rest }: Exclude<typeof ssl, false>) => Object.freeze(rest);
    this.options = Object.freeze({ ...shown, ssl: ssl && withoutKey(ssl) });
    const settings = [
      options.lockTimeoutMs > 0 ? `-c lock_timeout=${options.lockTimeoutMs}` : "",
      options.idleInTransactionSessionTimeoutMs > 0
        ? `-c idle_in_transaction_session_timeout=${options.idleInTransactionSessionTimeoutMs}`
        : "",
    ].filter((setting) => setting !== "");
    this.#clientConfig = {
      host: options.host,
      port: options.port,
      user: options.user,
      password,
      database: options.database,
      ssl: options.ssl === false ? false : { ...options.ssl },
      connectionTimeoutMillis: options.connectTimeoutMs,
      ...(options.applicationName ? { application_name: options.applicationName } : {}),
      ...(settings.length > 0 ? { options: settings.join(" ") } : {}),
      types,
    };
    this.#pool = new pg.Pool({
      ...this.#clientConfig,
      max: options.maxConnections,
      idleTimeoutMillis: options.connMaxAgeMs ?? 0,
    });
    // A pooled connection the server ends while idle is reported here; the pool drops it.
    this.#pool.on("error", ignore);
    this.#keepsSpare = options.connMaxAgeMs === null && !options.prePing;
  }

  /** Runs a statement that only reads, tried again on a fresh connection if one is lost. */
  async query(statement: Statement, values?: readonly unknown[]): Promise<Rows> {
    return this.#withRetries(
      async (client) => (await client.query(config(statement, values))).rows,
      isConnectionError,
    );
  }

  /**
   * Runs a statement that writes, as a transaction of its own. It is sent at most once: one
   * lost with its connection may have committed or not, so it fails with an OperationalError
   * rather than be repeated. It is tried again only if it was never sent.
   */
  write(statement: Statement, values?: readonly unknown[]): Promise<Rows> {
    return this.#write(async (client) => (await client.query(config(statement, values))).rows);
  }

  /**
   * Runs a prepared statement that only reads, as `query` does, resolving to its rows as
   * arrays of their columns' values, in the order it selects them (see `preparedRows`: the
   * rows are described once per connection, not at every run).
   */
  queryArrays(statement: Prepared, values: readonly unknown[]): Promise<unknown[][]> {
    return this.#withRetries(
      (client) => preparedRows(client, statement.name, statement.text, values, types),
      isConnectionError,
    );
  }

  /**
   * Runs a prepared statement that writes, as `write` does, resolving to the integers in the
   * first column of the rows it returns (the ids an insert returns; see `queryArrays`).
   *
   * @throws TypeError if one of them is NULL.
   */
  writeIds(statement: Prepared, values: readonly unknown[]): Promise<number[]> {
    return this.#write(async (client) =>
      (await preparedRows(client, statement.name, statement.text, values, types)).map(idOf),
    );
  }

  async #write<T>(run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const result = await this.#withRetries(
      async (client) => {
        try {
          return await run(client);
        } catch (error) {
          // A write that failed may have held a session-level advisory lock (the recorders'
          // id allocation takes one for a moment); a connection goes back to the pool without.
          if (!isConnectionError(translateError(error))) {
            await client.query(RELEASE_SESSION_LOCKS).catch(() => {});
          }
          throw error;
        }
      },
      (error) => isConnectionError(error) && wasNotSent(error),
    );
    this.commits.notify();
    return result;
  }

  /** Runs statements in one simple query (no parameters, several statements), e.g. DDL. */
  async execute(text: string): Promise<void> {
    await this.#withRetries(async (client) => {
      await client.query(text);
    }, isConnectionError);
  }

  /**
   * Runs `body` in a transaction: all of it commits, or none of it. A connection lost before
   * the transaction began is replaced and the transaction tried again; after, it fails.
   * `readOnly` begins a read-only transaction, whose commit tells no subscription (it recorded
   * nothing).
   */
  async transaction<T>(
    body: (connection: Connection) => Promise<T>,
    { readOnly = false }: { readonly readOnly?: boolean } = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = this.#takeSpare() ?? (await this.#connect());
      try {
        await client.query(readOnly ? "BEGIN READ ONLY" : "BEGIN");
      } catch (error) {
        const translated = translateError(error);
        this.#release(client, true);
        if (isConnectionError(translated) && attempt < RETRIES) continue;
        throw translated;
      }
      let broken = false;
      let open = true;
      const execute = async (text: string, values?: readonly unknown[]) => {
        if (!open) throw new ProgrammingError(ENDED);
        const { rows, command, rowCount } = await client.query(config(text, values));
        return { rows, command, rowCount };
      };
      try {
        const connection: Connection = {
          query: async (text, values) => (await execute(text, values)).rows,
          execute,
        };
        const result = await body(connection);
        await client.query("COMMIT");
        if (!readOnly) this.commits.notify();
        return result;
      } catch (error) {
        const translated = translateError(error);
        broken = isConnectionError(translated);
        if (!broken) await client.query("ROLLBACK").catch(() => (broken = true));
        throw translated;
      } finally {
        open = false;
        this.#release(client, broken);
      }
    }
  }

  async #withRetries<T>(
    body: (client: pg.PoolClient) => Promise<T>,
    retry: (error: unknown) => boolean,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = this.#takeSpare() ?? (await this.#connect());
      let broken = false;
      try {
        return await body(client);
      } catch (error) {
        const translated = translateError(error);
        broken = isConnectionError(translated);
        if (attempt < RETRIES && retry(translated)) continue;
        throw translated;
      } finally {
        this.#release(client, broken);
      }
    }
  }

  /** A connection from the pool, checked first when pre-ping is on. */
  async #connect(): Promise<pg.PoolClient> {
    if (this.#closed) throw new OperationalError("The PostgreSQL datastore is closed");
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.#pool.connect();
      } catch (error) {
        throw translateError(error);
      }
      // A checked-out connection the server ends also emits 'error'; the statement in flight
      // fails with it, so the event itself needs no handling (unhandled, it would crash).
      if (!listening.has(client)) {
        client.on("error", ignore);
        // Ended while kept as the spare: it goes back to the pool, which drops it.
        client.on("end", () => {
          if (this.#spare !== client) return;
          this.#spare = undefined;
          client.release(true);
        });
        listening.add(client);
      }
      if (!this.options.prePing) return client;
      try {
        await client.query("SELECT 1");
        return client;
      } catch (error) {
        client.release(true);
        if (attempt >= RETRIES) throw translateError(error);
      }
    }
  }

  /** The spare connection, if one is kept (no longer kept: it is the caller's). */
  #takeSpare(): pg.PoolClient | undefined {
    const spare = this.#spare;
    this.#spare = undefined;
    return spare;
  }

  #release(client: pg.PoolClient, broken: boolean): void {
    // With a maximum age of 0, each connection serves one transaction.
    if (broken || this.options.connMaxAgeMs === 0) {
      client.release(true);
    } else if (
      this.#keepsSpare &&
      this.#spare === undefined &&
      !this.#closed &&
      this.#pool.waitingCount === 0
    ) {
      this.#spare = client;
    } else {
      client.release();
    }
  }

  /**
   * A connection of its own, outside the pool, made like the pool's: for LISTEN, which needs
   * one that stays open. The caller ends it.
   */
  async connectListener(): Promise<ListeningConnection> {
    if (this.#closed) throw new OperationalError("The PostgreSQL datastore is closed");
    const client = new pg.Client(this.#clientConfig);
    // Its loss is seen by its 'end' event; an unhandled 'error' would crash the process.
    client.on("error", ignore);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(ignore);
      throw translateError(error);
    }
    return {
      query: async (text) => {
        await client.query(text);
      },
      onNotification: (listener) =>
        client.on("notification", ({ channel, payload }) => listener(channel, payload ?? "")),
      onEnd: (listener) => client.once("end", listener),
      end: () => client.end(),
    };
  }

  /** Connections in the pool now, and those idle among them. */
  get poolSize(): { readonly total: number; readonly idle: number } {
    const spare = this.#spare === undefined ? 0 : 1;
    return { total: this.#pool.totalCount, idle: this.#pool.idleCount + spare };
  }

  /** Closes the pool's connections, once they are released. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#takeSpare()?.release();
    await this.#pool.end();
  }
}
