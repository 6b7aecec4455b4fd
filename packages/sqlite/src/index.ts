/**
 * @es/sqlite — SQLite recorders and infrastructure factory (better-sqlite3).
 * Configure it in code with `sqlite({ path })`, or select it by environment with
 * `INFRASTRUCTURE_FACTORY=@es/sqlite` and `SQLITE_DBNAME`.
 */
export {
  type PreparedStatement,
  SqliteDatastore,
  type SqliteDatastoreOptions,
  type Synchronous,
} from "./datastore.js";
export {
  type ResolvedSqliteOptions,
  SQLITE_CACHE_SIZE,
  SQLITE_DBNAME,
  SQLITE_LOCK_TIMEOUT,
  SQLITE_SYNCHRONOUS,
  SqliteFactory,
  SqliteFactory as default,
  type SqliteOptions,
  sqlite,
} from "./factory.js";
export {
  SqliteAggregateRecorder,
  SqliteApplicationRecorder,
  SqliteProcessRecorder,
  SqliteTrackingRecorder,
} from "./recorders.js";
