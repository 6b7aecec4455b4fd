/**
 * The SQLite tables: what differs from other dialects (an autoincrementing key numbers the
 * notifications; the other tables are `WITHOUT ROWID`, clustered on their primary keys). Names
 * were checked to be plain identifiers (`tableName`) before they reach this text.
 */

/** A table's name as SQLite's statements name it. */
export const quoted = (table: string): string => `"${table}"`;

/** A table of event sequences without notification ids (snapshots). */
export function createAggregateTable(table: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${quoted(table)} (
      originator_id text NOT NULL,
      originator_version integer NOT NULL,
      topic text NOT NULL,
      state blob NOT NULL,
      hash blob,
      CONSTRAINT ${quoted(`${table}_pkey`)} PRIMARY KEY (originator_id, originator_version))
    WITHOUT ROWID`,
  ];
}

/** A table of events with notification ids: the application's total order. */
export function createApplicationTable(table: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${quoted(table)} (
      notification_id integer PRIMARY KEY AUTOINCREMENT,
      originator_id text NOT NULL,
      originator_version integer NOT NULL,
      topic text NOT NULL,
      state blob NOT NULL,
      hash blob)`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${quoted(`${table}_sequence_idx`)}
      ON ${quoted(table)} (originator_id, originator_version)`,
    // Selecting by topic reads each topic's notifications from here, in id order (and names
    // it, so that SQLite uses it: see jsonTopics). IF NOT EXISTS: tables made before get it too.
    `CREATE INDEX IF NOT EXISTS ${topicIndex(table)} ON ${quoted(table)} (topic, notification_id)`,
  ];
}

/**
 * What an events table made before events had hashes lacks: its `hash` column, added when its
 * recorder creates its tables. SQLite's `ADD COLUMN` has no `IF NOT EXISTS`, so the table's
 * columns are read first (`pragma_table_info`), in the same write transaction as the ALTER, so
 * that two processes starting at once can't both add it. Adding a nullable column without a
 * default rewrites no row: rows made before read as NULL, events without a hash.
 */
export const HAS_HASH_COLUMN = "SELECT 1 FROM pragma_table_info(?) WHERE name = 'hash'";

/** Adds the `hash` column to an events table made before it (see `HAS_HASH_COLUMN`). */
export const addHashColumn = (table: string): string =>
  `ALTER TABLE ${quoted(table)} ADD COLUMN hash blob`;

/** The index of an application table's notifications by topic, quoted. */
export const topicIndex = (table: string): string => quoted(`${table}_topic_idx`);

/** The tracking table: one row per upstream notification processed. */
export function createTrackingTable(table: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${quoted(table)} (
      application_name text NOT NULL,
      notification_id integer NOT NULL,
      CONSTRAINT ${quoted(`${table}_pkey`)} PRIMARY KEY (application_name, notification_id))
    WITHOUT ROWID`,
  ];
}
