/**
 * Table definitions and statements, built with kysely and compiled once: kysely gives typed,
 * correctly quoted SQL, and the compiled text is prepared once with better-sqlite3 so the hot
 * paths pay no query-building cost per call. Table names come from configuration (the
 * application's name), so they are validated as identifiers before they reach any SQL.
 */

import { ProgrammingError } from "@es/persistence-core";
import {
  type CompiledQuery,
  DummyDriver,
  type Generated,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from "kysely";

export interface StoredEventRow {
  notification_id: Generated<number>;
  originator_id: string;
  originator_version: number;
  topic: string;
  state: Uint8Array;
}

export interface TrackingRow {
  application_name: string;
  notification_id: number;
}

type EventTables = Record<string, StoredEventRow>;
type TrackingTables = Record<string, TrackingRow>;

/** A kysely instance that only compiles (it has no connection). */
const cold = new Kysely<EventTables>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});
export const eventsDb = cold;
export const trackingDb = cold as unknown as Kysely<TrackingTables>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A table name made from configuration, checked to be a plain identifier. */
export function tableName(prefix: string, suffix: string): string {
  const name = `${prefix}_${suffix}`.toLowerCase();
  if (!IDENTIFIER.test(name)) {
    throw new ProgrammingError(
      `Invalid table name '${name}': table names are made of letters, digits and underscores, start with a letter or underscore, and have at most 63 characters`,
    );
  }
  return name;
}

/** The SQL text of compiled queries, for `exec` of DDL. */
export function sqlOf(...queries: { compile(): CompiledQuery }[]): string[] {
  return queries.map((query) => query.compile().sql);
}

/** A table of event sequences without notification ids (snapshots). */
export function createAggregateTable(table: string): string[] {
  return sqlOf(
    eventsDb.schema
      .createTable(table)
      .ifNotExists()
      .addColumn("originator_id", "text", (c) => c.notNull())
      .addColumn("originator_version", "integer", (c) => c.notNull())
      .addColumn("topic", "text", (c) => c.notNull())
      .addColumn("state", "blob", (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pkey`, ["originator_id", "originator_version"])
      .modifyEnd(sqlFragment("without rowid")),
  );
}

/** A table of events with notification ids: the application's total order. */
export function createApplicationTable(table: string): string[] {
  return sqlOf(
    eventsDb.schema
      .createTable(table)
      .ifNotExists()
      .addColumn("notification_id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("originator_id", "text", (c) => c.notNull())
      .addColumn("originator_version", "integer", (c) => c.notNull())
      .addColumn("topic", "text", (c) => c.notNull())
      .addColumn("state", "blob", (c) => c.notNull()),
    eventsDb.schema
      .createIndex(`${table}_sequence_idx`)
      .ifNotExists()
      .unique()
      .on(table)
      .columns(["originator_id", "originator_version"]),
  );
}

/** The tracking table: one row per upstream notification processed. */
export function createTrackingTable(table: string): string[] {
  return sqlOf(
    trackingDb.schema
      .createTable(table)
      .ifNotExists()
      .addColumn("application_name", "text", (c) => c.notNull())
      .addColumn("notification_id", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pkey`, ["application_name", "notification_id"])
      .modifyEnd(sqlFragment("without rowid")),
  );
}

function sqlFragment(text: "without rowid") {
  return sql.raw(text);
}
