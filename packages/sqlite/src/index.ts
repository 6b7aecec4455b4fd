/**
 * @es/sqlite — SQLite recorders and infrastructure factory (better-sqlite3 + kysely).
 * Select it with `INFRASTRUCTURE_FACTORY=@es/sqlite` and `SQLITE_DBNAME`.
 */
export {
  type PreparedStatement,
  SqliteDatastore,
  type SqliteDatastoreOptions,
  type Synchronous,
} from "./datastore.js";
export {
  SQLITE_DBNAME,
  SQLITE_LOCK_TIMEOUT,
  SQLITE_SYNCHRONOUS,
  SqliteFactory,
  SqliteFactory as default,
} from "./factory.js";
export {
  SqliteAggregateRecorder,
  SqliteApplicationRecorder,
  SqliteProcessRecorder,
} from "./recorders.js";
