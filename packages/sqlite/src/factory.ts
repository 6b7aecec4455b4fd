/**
 * The SQLite infrastructure: configured in code, `sqlite({ path: "worlds.db" })`, or from the
 * environment, `INFRASTRUCTURE_FACTORY=@es/sqlite` with `SQLITE_DBNAME` (a path or `:memory:`;
 * required), `SQLITE_LOCK_TIMEOUT` (seconds; default 5), `SQLITE_SYNCHRONOUS` (`FULL`, the
 * default, `NORMAL` or `EXTRA`) and `CREATE_TABLE` (default true), each of which may be
 * prefixed with the application's name. Both ways give the same options, checked by one
 * schema. Tables are named after the application (`worlds_events`, `worlds_snapshots`,
 * `worlds_tracking`), so applications can share one database file.
 */
import { resolve } from "node:path";
import { messageOf } from "@es/domain";
import {
  type Environment,
  envSchemas,
  type FactoryInit,
  type Infrastructure,
  parseOptions,
  type StoreDescription,
  type StoredRecords,
} from "@es/persistence-core";
import {
  isTrackingTable,
  quotedIdentifier,
  requiredVariable,
  SqlInfrastructureFactory,
  selectTrackingPositions,
  sortedDescription,
  tableName,
} from "@es/persistence-core/sql";
import type { z } from "zod";
import { SqliteDatastore } from "./datastore.js";
import { MAX_CACHE_MIB, MAX_TIMEOUT_MS, OPTIONS, PATH, SYNCHRONOUS } from "./options.js";
import {
  SqliteAggregateRecorder,
  SqliteApplicationRecorder,
  SqliteProcessRecorder,
  SqliteTrackingRecorder,
} from "./recorders.js";
import { SqliteStoredRecords } from "./stored-records.js";

/** The database file's path, or `:memory:` (required). */
export const SQLITE_DBNAME = "SQLITE_DBNAME";
/** Seconds a writer waits for another's write lock (default 5). */
export const SQLITE_LOCK_TIMEOUT = "SQLITE_LOCK_TIMEOUT";
/** `FULL` (default), `NORMAL` or `EXTRA`: how SQLite syncs commits to disk. */
export const SQLITE_SYNCHRONOUS = "SQLITE_SYNCHRONOUS";
/** MiB of the database's pages the connection keeps in memory (default: the driver's, 16 MiB). */
export const SQLITE_CACHE_SIZE = "SQLITE_CACHE_SIZE";

/** The SQLite adapter's options: `path` is required, the rest have defaults. */
export type SqliteOptions = z.input<typeof OPTIONS>;
/** The options with their defaults filled in. */
export type ResolvedSqliteOptions = Readonly<z.output<typeof OPTIONS>>;

/**
 * The SQLite store, configured in code: `new Worlds({ infrastructure: sqlite({ path }) })`.
 * The options are checked at once.
 *
 * @example
 * ```ts
 * const app = new Worlds({ infrastructure: sqlite({ path: "worlds.db", synchronous: "NORMAL" }) });
 * ```
 * @throws ConfigurationError naming each option that is missing or invalid.
 */
export function sqlite(options: SqliteOptions): Infrastructure {
  const resolved = parseOptions(OPTIONS, options, "@es/sqlite");
  return { name: "@es/sqlite", create: (init) => new SqliteFactory(resolved, init) };
}

/**
 * The SQLite infrastructure of one application: one connection, and recorders on tables named
 * after the application (`worlds_events`, `worlds_snapshots`, `worlds_tracking`), so
 * applications can share a database file. Selected by `INFRASTRUCTURE_FACTORY=@es/sqlite` and
 * `SQLITE_DBNAME`, or made by `sqlite(options)`.
 */
export class SqliteFactory extends SqlInfrastructureFactory<{
  options: ResolvedSqliteOptions;
  datastore: SqliteDatastore;
  table: string;
  aggregateRecorder: SqliteAggregateRecorder;
  applicationRecorder: SqliteApplicationRecorder;
  trackingRecorder: SqliteTrackingRecorder;
  processRecorder: SqliteProcessRecorder;
}> {
  constructor(options: SqliteOptions, init: FactoryInit = {}) {
    super(parseOptions(OPTIONS, options, "@es/sqlite"), init);
  }

  /** A database file is shared by the processes that open it; a database in memory isn't. */
  override get isSharedByProcesses(): boolean {
    return this.options.path !== ":memory:";
  }

  /** The options from the environment's variables, each checked and named if it is bad. */
  static optionsFromEnvironment(env: Environment): SqliteOptions {
    requiredVariable(env, SQLITE_DBNAME, "SQLite database name");
    const seconds = env.read(
      SQLITE_LOCK_TIMEOUT,
      envSchemas.integer(undefined, { min: 0, max: Math.floor(MAX_TIMEOUT_MS / 1000) }),
    );
    const cacheSizeMib = env.read(
      SQLITE_CACHE_SIZE,
      envSchemas.integer(undefined, { min: 1, max: MAX_CACHE_MIB }),
    );
    return {
      path: env.read(SQLITE_DBNAME, PATH),
      synchronous: env.read(
        SQLITE_SYNCHRONOUS,
        envSchemas.text("FULL", SYNCHRONOUS, (text) => text.toUpperCase()),
      ),
      ...(seconds === undefined ? {} : { lockTimeoutMs: seconds * 1000 }),
      ...(cacheSizeMib === undefined ? {} : { cacheSizeMib }),
    };
  }

  /**
   * SQLite's own check of the database file (`PRAGMA integrity_check`): every page, every
   * index against its table. What it finds damaged, in its words; none when the file is sound.
   */
  override async checkStorage(): Promise<string[]> {
    try {
      const rows = this.datastore.prepare("PRAGMA integrity_check").all() as Record<
        string,
        unknown
      >[];
      const problems = rows.map((row) => String(Object.values(row)[0]));
      return problems.length === 1 && problems[0] === "ok" ? [] : problems;
    } catch (error) {
      return [`the database file can't be checked: ${messageOf(error)}`];
    }
  }

  /**
   * The database's tables (SQLite's own aside), each with its rows counted, and its tracking
   * tables' positions, all read in one read transaction: as they were at one moment. Its
   * location is the file's absolute path, or `:memory:`.
   */
  override async describeStore(): Promise<StoreDescription> {
    const { datastore } = this;
    const { path } = this.options;
    const { tables, tracking } = await datastore.whenFree(() =>
      datastore.readTransaction(() => readTables(datastore)),
    );
    return sortedDescription({
      store: "@es/sqlite",
      location: path === ":memory:" ? path : resolve(path),
      tables,
      tracking,
    });
  }

  protected openDatastore(): SqliteDatastore {
    const { path, lockTimeoutMs, synchronous, cacheSizeMib } = this.options;
    return new SqliteDatastore({ path, lockTimeoutMs, synchronous, cacheSizeMib });
  }

  /** The application's records in the file as stored, for copying the store (`es copy`). */
  override async storedRecords(): Promise<StoredRecords> {
    return new SqliteStoredRecords(this.datastore, (kind) => this.table(kind));
  }

  /** The table a recorder of the purpose keeps its records in: `worlds_events`. */
  override recorderTableName(purpose: string): string {
    return this.table(purpose);
  }

  protected table(purpose: string): string {
    return tableName(this.tablePrefix, purpose);
  }

  protected readonly recorderClasses = {
    aggregate: SqliteAggregateRecorder,
    application: SqliteApplicationRecorder,
    tracking: SqliteTrackingRecorder,
    process: SqliteProcessRecorder,
  };
}

/**
 * The tables of the database, but SQLite's own (`sqlite_…`, a name no other table may have;
 * `_` is escaped, as LIKE reads it as any character).
 */
const SELECT_TABLES =
  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
/** A table's columns, by the table's name (a parameter: nothing to quote). */
const SELECT_COLUMNS = "SELECT name FROM pragma_table_info(?, 'main')";

/** Each table of the database with its rows, and the positions of those that are tracking tables. */
function readTables(datastore: SqliteDatastore): Pick<StoreDescription, "tables" | "tracking"> {
  const tables: { name: string; rows: number }[] = [];
  const tracking: { table: string; applicationName: string; notificationId: number }[] = [];
  const names = datastore.prepare(SELECT_TABLES).all() as { name: string }[];
  for (const { name } of names) {
    // Qualified, so that a temporary table of the same name can't stand in for it.
    const table = `main.${quotedIdentifier(name)}`;
    const counted = datastore.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
    tables.push({ name, rows: counted.n });
    // SQLite's column names are case-insensitive, so they are compared lower-cased.
    const columns = (datastore.prepare(SELECT_COLUMNS).all(name) as { name: string }[]).map(
      (column) => column.name.toLowerCase(),
    );
    if (!isTrackingTable(name, columns)) continue;
    const positions = datastore.prepare(selectTrackingPositions(table)).all() as {
      application_name: string;
      notification_id: number;
    }[];
    for (const position of positions) {
      tracking.push({
        table: name,
        applicationName: position.application_name,
        notificationId: position.notification_id,
      });
    }
  }
  return { tables, tracking };
}

export default SqliteFactory;
