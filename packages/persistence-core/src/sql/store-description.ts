/**
 * What SQL adapters share in describing their stores (`describeStore`): which tables are
 * tracking tables, how a name read from the catalog is quoted, the statement that reads a
 * tracking table's positions, and the order of a description.
 */
import type { StoreDescription } from "../infrastructure-factory.js";

/** The columns that every tracking table (a follower's, a view's) has. */
export const TRACKING_COLUMNS = ["application_name", "notification_id"] as const;

/**
 * Whether a table is a tracking table: named `<name>_tracking`, with the tracking columns. The
 * name alone isn't enough: any table may end so (and the statement reading its positions would
 * fail on one without them).
 */
export function isTrackingTable(name: string, columns: Iterable<string>): boolean {
  if (!name.endsWith("_tracking")) return false;
  const present = new Set(columns);
  return TRACKING_COLUMNS.every((column) => present.has(column));
}

/**
 * A name read from the catalog, quoted as an identifier (SQLite and PostgreSQL alike): such a
 * name was never checked to be a plain identifier, and may hold quotes, spaces or anything else.
 */
export function quotedIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The statement that reads a tracking table's positions: the largest notification id tracked of
 * each upstream application (`application_name`, `notification_id`).
 *
 * @param table - the table's name, quoted (and qualified, where the dialect needs it).
 */
export function selectTrackingPositions(table: string): string {
  // Aliased: SQLite names a result column as the table declares it (`APPLICATION_NAME`).
  return `SELECT application_name AS application_name, max(notification_id) AS notification_id FROM ${table} GROUP BY application_name`;
}

/**
 * The description, its tables sorted by name and its tracking by table, then application (by
 * code units, as names compare alike whatever the database's collation).
 */
export function sortedDescription(description: StoreDescription): StoreDescription {
  return {
    store: description.store,
    location: description.location,
    tables: [...description.tables].sort((a, b) => compare(a.name, b.name)),
    tracking: [...description.tracking].sort(
      (a, b) => compare(a.table, b.table) || compare(a.applicationName, b.applicationName),
    ),
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
