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
      state blob NOT NULL)`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${quoted(`${table}_sequence_idx`)}
      ON ${quoted(table)} (originator_id, originator_version)`,
    // Selecting by topic reads each topic's notifications from here, in id order (and names
    // it, so that SQLite uses it: see jsonTopics). IF NOT EXISTS: tables made before get it too.
    `CREATE INDEX IF NOT EXISTS ${topicIndex(table)} ON ${quoted(table)} (topic, notification_id)`,
  ];
}

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
