/**
 * One SQLite database connection (better-sqlite3) shared by an application's recorders.
 *
 * better-sqlite3 is synchronous, so a transaction never interleaves with another in this
 * process; writes use `BEGIN IMMEDIATE`, which takes SQLite's write lock at the start, so
 * writers in other processes queue (for up to the lock timeout) instead of deadlocking, and
 * notification ids are assigned in commit order. File databases use WAL mode, so readers
 * don't block the writer.
 */
import { messageOf } from "@es/domain";
import { OperationalError } from "@es/persistence-core";
import Database from "better-sqlite3";
import { translateError, translating } from "./errors.js";

/** SQLite's `synchronous` settings that can't lose committed events (`OFF` is refused). */
export type Synchronous = "NORMAL" | "FULL" | "EXTRA";

/** How a datastore opens its database. */
export interface SqliteDatastoreOptions {
  /** A file path, or `:memory:`. */
  readonly path: string;
  /** Milliseconds a writer waits for another's lock before `OperationalError` (default 5000). */
  readonly lockTimeoutMs?: number | undefined;
  /** `FULL` (default: a committed save survives power loss) or `NORMAL` (faster, WAL-safe). */
  readonly synchronous?: Synchronous | undefined;
}

/**
 * A statement prepared by the driver: the part of better-sqlite3's `Statement` this package
 * uses, declared here so that the driver's own types never appear in this package's API.
 */
export interface PreparedStatement {
  /** Runs a statement that writes: how many rows it changed, and the last row id inserted. */
  run(...params: unknown[]): {
    readonly changes: number;
    readonly lastInsertRowid: number | bigint;
  };
  /** The first row, or undefined. */
  get(...params: unknown[]): unknown;
  /** Every row. */
  all(...params: unknown[]): unknown[];
  /** Rows as arrays rather than objects (cheaper), when `toggle` is true. */
  raw(toggle?: boolean): PreparedStatement;
}

/**
 * One connection to a SQLite database, shared by an application's recorders: WAL mode for
 * files, writes in `BEGIN IMMEDIATE` transactions (so writers in other processes queue rather
 * than deadlock), and driver errors translated into the library's.
 *
 * @example
 * ```ts
 * const datastore = new SqliteDatastore({ path: "worlds.db", synchronous: "NORMAL" });
 * const recorder = new SqliteApplicationRecorder(datastore, "worlds_events");
 * recorder.createTable();
 * datastore.close();
 * ```
 * @throws OperationalError if the database can't be opened.
 */
export class SqliteDatastore {
  /** The database's file path, or `:memory:`. */
  readonly path: string;
  /** Whether the database is in memory (then it is this connection's alone). */
  readonly isMemory: boolean;
  readonly #db: Database.Database;

  constructor({ path, lockTimeoutMs = 5000, synchronous = "FULL" }: SqliteDatastoreOptions) {
    this.path = path;
    this.isMemory = path === ":memory:";
    this.#db = openDatabase(path, lockTimeoutMs);
    try {
      if (!this.isMemory) this.#db.pragma("journal_mode = WAL");
      this.#db.pragma(`synchronous = ${synchronous}`);
    } catch (error) {
      this.#db.close();
      throw translateError(error);
    }
  }

  /** Whether the database is in WAL mode. */
  get isWal(): boolean {
    return String(this.pragma("journal_mode")).toLowerCase() === "wal";
  }

  /** The value of a pragma (e.g. `synchronous`: 1 is NORMAL, 2 FULL). */
  pragma(name: string): unknown {
    return translating(() => this.#db.pragma(name, { simple: true }));
  }

  /** Prepares a statement; driver errors (a missing table, bad SQL) are translated. */
  prepare(sql: string): PreparedStatement {
    return translating(() => this.#db.prepare(sql));
  }

  /** Runs `fn` in a write transaction (BEGIN IMMEDIATE): all of it commits, or none of it. */
  write<T>(fn: () => T): T {
    return translating(() => this.#db.transaction(fn).immediate());
  }

  /** Runs `fn` for reading, translating driver errors. */
  read<T>(fn: () => T): T {
    return translating(fn);
  }

  /** Runs DDL statements (in one transaction). */
  exec(statements: readonly string[]): void {
    this.write(() => {
      for (const statement of statements) this.#db.exec(statement);
    });
  }

  /** Closes the connection (again: nothing). */
  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function openDatabase(dbName: string, lockTimeoutMs: number): Database.Database {
  try {
    return new Database(dbName, { timeout: lockTimeoutMs });
  } catch (error) {
    const translated = translateError(error);
    if (translated !== error) throw translated;
    // better-sqlite3 reports some failures to open (a missing directory) as plain TypeErrors.
    throw new OperationalError(`Can't open SQLite database '${dbName}': ${messageOf(error)}`, {
      cause: error,
    });
  }
}
