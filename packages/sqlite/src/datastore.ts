/**
 * One SQLite database connection (better-sqlite3) shared by an application's recorders.
 *
 * better-sqlite3 is synchronous, so a transaction never interleaves with another in this
 * process; writes use `BEGIN IMMEDIATE`, which takes SQLite's write lock at the start, so
 * writers in other processes queue (for up to the lock timeout) instead of deadlocking, and
 * notification ids are assigned in commit order. File databases use WAL mode, so readers
 * don't block the writer.
 *
 * A view's transaction is the one kind that spans awaits (`transaction`): its body awaits its
 * session's statements, which run at once, so it settles within microtasks. While it is open,
 * the recorders' calls wait for it to end (`whenFree`) rather than run inside it.
 *
 * Each commit notifies `commits`, and `changes` adds other connections' commits: what live
 * subscriptions wait for.
 */
import { messageOf } from "@es/domain";
import {
  type ChangeFeed,
  ChangeNotifier,
  OperationalError,
  ProgrammingError,
  parseOptions,
} from "@es/persistence-core";
import Database from "better-sqlite3";
import { databaseChanges } from "./changes.js";
import { translateError, translating } from "./errors.js";
import { DATASTORE_OPTIONS } from "./options.js";

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
  /** MiB of pages kept in memory (`PRAGMA cache_size`); unset, the driver's default (16 MiB). */
  readonly cacheSizeMib?: number | undefined;
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
  /** Whether the statement returns rows (a query, or a write with `RETURNING`). */
  readonly reader: boolean;
}

/** A transaction of `SqliteDatastore.transaction`, while it is open. */
export interface SqliteTransaction {
  /**
   * Runs `fn`, which runs statements of the datastore (`datastore.prepare`), in the
   * transaction, translating driver errors.
   *
   * @throws ProgrammingError once the transaction has ended.
   */
  run<T>(fn: () => T): T;
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
 * @throws ConfigurationError naming each option that is missing or invalid (as `sqlite()`).
 * @throws OperationalError if the database can't be opened.
 */
export class SqliteDatastore {
  /** The database's file path, or `:memory:`. */
  readonly path: string;
  /** Whether the database is in memory (then it is this connection's alone). */
  readonly isMemory: boolean;
  /** Notified after each write transaction this connection commits (`write`, `transaction`). */
  readonly commits = new ChangeNotifier();
  /**
   * What subscriptions on this database wait for: this connection's commits at once, and other
   * connections' (other processes') when `PRAGMA data_version`, read every few milliseconds
   * while any subscription listens, changes.
   */
  readonly changes: ChangeFeed;
  readonly #db: Database.Database;
  /**
   * Runs a function in a transaction: made once, as better-sqlite3 builds each transaction
   * function anew (several closures and property definitions, microseconds a save).
   */
  readonly #writing: Database.Transaction<(fn: () => unknown) => unknown>;
  #dataVersion: Database.Statement | undefined;
  /** While a transaction of `transaction()` is open: settles when it ends. */
  #open: Promise<void> | undefined;

  constructor(options: SqliteDatastoreOptions) {
    // Checked as sqlite() checks them: a null or empty path would open a temporary database.
    const { path, lockTimeoutMs, synchronous, cacheSizeMib } = parseOptions(
      DATASTORE_OPTIONS,
      options,
      "SqliteDatastore",
    );
    this.path = path;
    this.isMemory = path === ":memory:";
    this.#db = openDatabase(path, lockTimeoutMs);
    try {
      if (!this.isMemory) this.#db.pragma("journal_mode = WAL");
      this.#db.pragma(`synchronous = ${synchronous}`);
      // Negative: a size in KiB rather than in pages.
      if (cacheSizeMib !== undefined) this.#db.pragma(`cache_size = -${cacheSizeMib * 1024}`);
    } catch (error) {
      this.#db.close();
      throw translateError(error);
    }
    this.#writing = this.#db.transaction((fn: () => unknown) => fn());
    this.changes = databaseChanges(this);
  }

  /** `PRAGMA data_version`: it changes when another connection commits (not when this one does). */
  dataVersion(): number {
    return translating(() => {
      this.#dataVersion ??= this.#db.prepare("PRAGMA data_version").pluck();
      return this.#dataVersion.get() as number;
    });
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

  /**
   * Runs `fn` in a write transaction (BEGIN IMMEDIATE): all of it commits, or none of it.
   *
   * @throws ProgrammingError while a transaction of `transaction()` is open (see `whenFree`).
   */
  write<T>(fn: () => T): T {
    this.#refuseWhileOpen();
    const result = translating(() => this.#writing.immediate(fn) as T);
    this.commits.notify();
    return result;
  }

  /**
   * Runs `fn` for reading, translating driver errors.
   *
   * @throws ProgrammingError while a transaction of `transaction()` is open (see `whenFree`).
   */
  read<T>(fn: () => T): T {
    this.#refuseWhileOpen();
    return translating(fn);
  }

  /**
   * Runs `fn`, which only reads, in one read transaction (BEGIN DEFERRED), translating driver
   * errors: all its statements see the database as it was at the first, whatever other
   * connections commit meanwhile. It takes no write lock, so writers don't wait for it.
   *
   * @throws ProgrammingError while a transaction of `transaction()` is open (see `whenFree`).
   */
  readTransaction<T>(fn: () => T): T {
    this.#refuseWhileOpen();
    return translating(() => this.#writing.deferred(fn) as T);
  }

  /**
   * Runs `fn` at once (its result as it is), or, while a transaction of `transaction()` is
   * open, as soon as none is (its result then a promise): how the recorders' calls wait for a
   * view's transaction instead of running inside it. `fn` starts in the same turn as the check,
   * so no transaction can open in between.
   */
  whenFree<T>(fn: () => T): T | Promise<T> {
    const open = this.#open;
    return open === undefined ? fn() : open.then(() => this.whenFree(fn));
  }

  /**
   * Runs `body` in a write transaction (BEGIN IMMEDIATE) that spans its awaits: all it writes
   * commits when it resolves, and none of it when it rejects (with its error, unchanged).
   * Transactions of this kind take turns, and the recorders' calls wait for them to end.
   *
   * The body may await only statements run with `transaction.run`, which run at once, so that
   * it settles within microtasks: the write lock is held for no longer than that, and nothing
   * else in this process runs meanwhile — in particular no write on another connection to the
   * same file, which would wait for the lock synchronously, blocking the event loop that this
   * transaction needs to end (until the lock timeout). So if anything else ran first (a timer,
   * I/O: another turn of the event loop), the transaction is rolled back at once, and this
   * rejects with a `ProgrammingError` saying why; the body's later statements are refused.
   *
   * @throws OperationalError if another connection's write lock isn't released in time.
   */
  async transaction<T>(body: (transaction: SqliteTransaction) => Promise<T>): Promise<T> {
    while (this.#open !== undefined) await this.#open;
    return this.#transaction(body);
  }

  #transaction<T>(body: (transaction: SqliteTransaction) => Promise<T>): Promise<T> {
    translating(() => this.#db.exec("BEGIN IMMEDIATE"));
    let ended = (): void => {};
    this.#open = new Promise((resolve) => {
      ended = resolve;
    });
    let open = true;
    const end = (commit: boolean): void => {
      open = false;
      try {
        if (commit) translating(() => this.#db.exec("COMMIT"));
      } finally {
        // After a rollback, or a commit that failed (SQLite may leave the transaction open).
        if (this.#db.inTransaction) translating(() => this.#db.exec("ROLLBACK"));
        this.#open = undefined;
        ended();
      }
      if (commit) this.commits.notify();
    };
    const transaction: SqliteTransaction = {
      run: (fn) => {
        if (!open) throw new ProgrammingError(ENDED);
        return translating(fn);
      },
    };
    return new Promise<T>((resolve, reject) => {
      // Macrotask probes: they run only if the body's awaits let the event loop turn. Both, for
      // a loop that comes round late runs the timers that are due before the immediates: a
      // body resumed by a timer would run before the immediate, but not before this timer (set
      // first, and due no later).
      const probe = () => {
        clearImmediate(immediate);
        clearTimeout(timer);
        if (!open) return;
        let cause: unknown;
        try {
          end(false);
        } catch (error) {
          cause = error; // the connection's own failure (closed?): reported as the cause
        }
        reject(new ProgrammingError(AWAITED_ELSEWHERE, cause === undefined ? {} : { cause }));
      };
      const immediate = setImmediate(probe);
      const timer = setTimeout(probe, 0);
      const settle = (outcome: () => void) => {
        if (!open) return; // rolled back by a probe, and rejected already
        clearImmediate(immediate);
        clearTimeout(timer);
        try {
          outcome();
        } catch (error) {
          reject(error);
        }
      };
      (async () => body(transaction))().then(
        (value) =>
          settle(() => {
            end(true);
            resolve(value);
          }),
        (error: unknown) =>
          settle(() => {
            end(false);
            reject(error);
          }),
      );
    });
  }

  #refuseWhileOpen(): void {
    if (this.#open !== undefined) throw new ProgrammingError(OPEN);
  }

  /**
   * Runs DDL statements (in one transaction), then those that `wanting` finds still needed, in
   * the same transaction: it reads the schema as the statements left it (a column a table made
   * before lacks), and no other connection can change it in between.
   */
  exec(statements: readonly string[], wanting?: () => readonly string[]): void {
    this.write(() => {
      for (const statement of statements) this.#db.exec(statement);
      for (const statement of wanting?.() ?? []) this.#db.exec(statement);
    });
  }

  /** Closes the connection (again: nothing). */
  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

const ENDED = "This SQLite transaction has ended: its statements can't run any more";
const OPEN =
  "A statement can't run on this SQLite connection while a view's transaction is open on it: wait for it with datastore.whenFree()";
const AWAITED_ELSEWHERE =
  "A SQLite view's transaction body may await only its session's queries (they run at once), but it awaited something else (I/O, a timer, another recorder or connection), so the transaction was rolled back and nothing it wrote is kept";

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
