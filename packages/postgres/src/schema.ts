/**
 * Tables and statements. Names come from configuration (the application's name, a schema), so
 * they are checked to be plain identifiers and always quoted; values are always parameters.
 *
 * An application's events table keeps, besides each event, the id of the transaction that
 * wrote it (`tx_id`, an `xid8`) and its position among all rows written (`position`): a row
 * gets its notification id only after its transaction has committed (see `numberStatement`
 * and docs/postgres.md).
 */
import { ProgrammingError } from "@es/persistence-core";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A name made from configuration, checked to be a plain identifier, lower-cased. */
export function identifier(name: string, what = "table name"): string {
  const lowered = name.toLowerCase();
  if (!IDENTIFIER.test(lowered)) {
    throw new ProgrammingError(
      `Invalid ${what} '${name.slice(0, 80)}': names are made of letters, digits and underscores, start with a letter or underscore, and have at most 63 characters`,
    );
  }
  return lowered;
}

/** A table's name, qualified by its schema and quoted. */
export class TableName {
  readonly schema: string;
  readonly name: string;
  readonly qualified: string;

  constructor(schema: string, name: string) {
    this.schema = identifier(schema, "schema name");
    this.name = identifier(name);
    this.qualified = `"${this.schema}"."${this.name}"`;
  }

  /** Another object of the table, named after it (an index, a constraint). */
  derived(suffix: string): string {
    return `"${identifier(`${this.name}_${suffix}`.slice(0, 63), "object name")}"`;
  }
}

export function createSchema(schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS "${identifier(schema, "schema name")}"`;
}

/** A table of event sequences without notification ids (snapshots). */
export function createAggregateTable(table: TableName): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${table.qualified} (
      originator_id text NOT NULL,
      originator_version bigint NOT NULL,
      topic text NOT NULL,
      state bytea NOT NULL,
      CONSTRAINT ${table.derived("pkey")} PRIMARY KEY (originator_id, originator_version))`,
  ];
}

/** A table of events with notification ids: the application's total order. */
export function createApplicationTable(table: TableName): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${table.qualified} (
      originator_id text NOT NULL,
      originator_version bigint NOT NULL,
      topic text NOT NULL,
      state bytea NOT NULL,
      notification_id bigint,
      tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      position bigserial NOT NULL,
      CONSTRAINT ${table.derived("pkey")} PRIMARY KEY (originator_id, originator_version))`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${table.derived("notification_id_idx")}
      ON ${table.qualified} (notification_id) WHERE notification_id IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS ${table.derived("unnumbered_idx")}
      ON ${table.qualified} (tx_id, position) WHERE notification_id IS NULL`,
  ];
}

/** The tracking table: one row per upstream notification processed. */
export function createTrackingTable(table: TableName): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${table.qualified} (
      application_name text NOT NULL,
      notification_id bigint NOT NULL,
      CONSTRAINT ${table.derived("pkey")} PRIMARY KEY (application_name, notification_id))`,
  ];
}

/** Inserts `rows` events, four parameters each. */
export function insertStatement(table: TableName, rows: number): string {
  const values = Array.from({ length: rows }, (_, i) => {
    const p = i * 4;
    return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4})`;
  });
  return `INSERT INTO ${table.qualified} (originator_id, originator_version, topic, state) VALUES ${values.join(", ")}`;
}

/**
 * Numbers the events of every committed transaction that has none yet, after the highest
 * notification id, each transaction's events consecutively (in the order the transactions
 * began, then the order the events were written). Rows become visible to this statement only
 * once their transaction has committed, so nothing uncommitted is ever numbered. Numbering
 * runs under a lock of its own (one numbering at a time) and commits before the lock is
 * released: ids appear only at the end of the log, in increasing order, so a reader that has
 * seen id N never later finds a new one at or below N. Nothing in it is a parameter, so it
 * goes to the server as one simple query, in one round trip.
 */
export function numberStatement(table: TableName): string {
  return `BEGIN;
SELECT pg_advisory_xact_lock(hashtextextended('es.number:${table.schema}.${table.name}', 0));
WITH last AS (SELECT coalesce(max(notification_id), 0) AS id FROM ${table.qualified}),
ready AS (
  SELECT originator_id, originator_version,
    (SELECT id FROM last) + row_number() OVER (ORDER BY tx_id, position) AS id
  FROM ${table.qualified} WHERE notification_id IS NULL
)
UPDATE ${table.qualified} AS e SET notification_id = ready.id FROM ready
WHERE e.originator_id = ready.originator_id AND e.originator_version = ready.originator_version;
COMMIT`;
}
