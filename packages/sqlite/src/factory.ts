/**
 * The SQLite infrastructure factory, selected by `INFRASTRUCTURE_FACTORY=@es/sqlite`.
 *
 * Environment: `SQLITE_DBNAME` (file path or `:memory:`; required), `SQLITE_LOCK_TIMEOUT`
 * (seconds a writer waits for the lock; default 5), `SQLITE_SYNCHRONOUS` (`FULL`, the default,
 * or `NORMAL`), `CREATE_TABLE` (default true). Each variable may be prefixed with the
 * application's name. Tables are named after the application (`worlds_events`,
 * `worlds_snapshots`, `worlds_tracking`), so applications can share one database file.
 */
import {
  type Codecs,
  ConfigurationError,
  type Environment,
  envSchemas,
  InfrastructureFactory,
} from "@es/persistence-core";
import { z } from "zod";
import { SqliteDatastore, type Synchronous } from "./datastore.js";
import {
  SqliteAggregateRecorder,
  SqliteApplicationRecorder,
  SqliteProcessRecorder,
} from "./recorders.js";
import { tableName } from "./schema.js";

export const SQLITE_DBNAME = "SQLITE_DBNAME";
export const SQLITE_LOCK_TIMEOUT = "SQLITE_LOCK_TIMEOUT";
export const SQLITE_SYNCHRONOUS = "SQLITE_SYNCHRONOUS";

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A file path or `:memory:`: not a name the driver would open as another file. */
const DB_NAME = z
  .string()
  .refine((name) => !name.includes("\u0000"), {
    error: "a file name can't contain a NUL character",
  })
  .refine((name) => !/^file:/i.test(name.trim()), {
    error: "URI file names (file:…) are not supported; give a path, or :memory:",
  });

export class SqliteFactory extends InfrastructureFactory {
  readonly dbName: string;
  readonly lockTimeout: number | undefined;
  readonly synchronous: Synchronous;
  /** The prefix of this application's tables: its name, or "stored". */
  readonly tablePrefix: string;
  #datastore: SqliteDatastore | undefined;

  constructor(env: Environment, codecs: Codecs = {}) {
    super(env, codecs);
    const dbName = env.get(SQLITE_DBNAME)?.trim();
    if (!dbName) {
      throw new ConfigurationError(
        `SQLite database name not found in environment with keys: ${env.keysFor(SQLITE_DBNAME).join(", ")}`,
      );
    }
    this.dbName = env.read(SQLITE_DBNAME, DB_NAME).trim();
    // The driver takes milliseconds up to 2^31 - 1.
    this.lockTimeout = env.read(
      SQLITE_LOCK_TIMEOUT,
      envSchemas.integer(undefined, { min: 0, max: Math.floor(MAX_TIMEOUT_MS / 1000) }),
    );
    this.synchronous = env.read(
      SQLITE_SYNCHRONOUS,
      z
        .string()
        .optional()
        .transform((v) => (v === undefined || v.trim() === "" ? "FULL" : v.trim().toUpperCase()))
        .pipe(
          z.enum(["NORMAL", "FULL", "EXTRA"], {
            error:
              "expected FULL, NORMAL or EXTRA; OFF is refused, as it can lose committed events",
          }),
        ),
    );
    this.tablePrefix = env.name.trim() === "" ? "stored" : env.name;
    // Fail fast on names that can't be tables, before anything is opened.
    tableName(this.tablePrefix, "events");
  }

  /** The database connection, opened on first use and shared by this factory's recorders. */
  get datastore(): SqliteDatastore {
    this.#datastore ??= new SqliteDatastore({
      dbName: this.dbName,
      lockTimeout: this.lockTimeout,
      synchronous: this.synchronous,
    });
    return this.#datastore;
  }

  async aggregateRecorder(purpose = "events"): Promise<SqliteAggregateRecorder> {
    return this.#prepared(
      new SqliteAggregateRecorder(this.datastore, tableName(this.tablePrefix, purpose)),
    );
  }

  async applicationRecorder(): Promise<SqliteApplicationRecorder> {
    return this.#prepared(
      new SqliteApplicationRecorder(this.datastore, tableName(this.tablePrefix, "events")),
    );
  }

  async processRecorder(): Promise<SqliteProcessRecorder> {
    return this.#prepared(
      new SqliteProcessRecorder(
        this.datastore,
        tableName(this.tablePrefix, "events"),
        tableName(this.tablePrefix, "tracking"),
      ),
    );
  }

  #prepared<R extends SqliteAggregateRecorder>(recorder: R): R {
    if (this.createTable()) recorder.createTable();
    return recorder;
  }

  override async close(): Promise<void> {
    this.#datastore?.close();
    this.#datastore = undefined;
  }
}

export default SqliteFactory;
