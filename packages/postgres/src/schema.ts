/**
 * Tables and statements. Names come from configuration (the application's name, a schema), so
 * they are checked to be plain identifiers and always quoted; values are always parameters.
 *
 * Notification ids come from a sequence, in the statement that inserts the events, so a save
 * is one statement in one round trip. Ids are taken in one order and committed in another, so
 * a reader must not read past an id that a transaction still in flight may yet commit below.
 * Each writer therefore publishes, before it takes any id, a lower bound of the ids it will
 * take: it holds a shared advisory lock whose key encodes the sequence's next value, until it
 * commits or rolls back. A reader reads only below the bound that `boundExpression` measures:
 * the lowest such lock, or else the sequence's next value. See docs/postgres.md for why this
 * never misses a notification, and never makes a writer wait for another's commit.
 */
import { createHash } from "node:crypto";
import type { Page, StoredEvent } from "@es/persistence-core";
import {
  DOLLAR_NUMBERS,
  EVENT_COLUMNS,
  identifier,
  type Parameter,
  raw,
  type Sql,
  sql,
} from "@es/persistence-core/sql";

/** A table's name, qualified by its schema and quoted. */
export class TableName {
  /** The schema's name, lower-cased. */
  readonly schema: string;
  /** The table's name, lower-cased. */
  readonly name: string;
  /** `"schema"."name"`, as statements name the table. */
  readonly qualified: string;

  /** @throws ProgrammingError if either name is not a plain identifier. */
  constructor(schema: string, name: string) {
    this.schema = identifier(schema, "schema name");
    this.name = identifier(name);
    this.qualified = `"${this.schema}"."${this.name}"`;
  }

  /**
   * Another object of the table, named after it (an index, a constraint). Names share the
   * schema's namespace and PostgreSQL cuts them at 63 bytes, so a long one is shortened with a
   * hash of the whole, rather than cut into another object's name.
   */
  derived(suffix: string): string {
    const whole = `${this.name}_${suffix}`;
    if (whole.length <= 63) return `"${whole}"`;
    const hash = createHash("sha256").update(whole).digest("hex").slice(0, 8);
    return `"${this.name.slice(0, 63 - suffix.length - 10)}_${hash}_${suffix}"`;
  }
}

/**
 * The advisory lock (a pair of keys) that processes creating tables take turns by. Id
 * allocation locks are pairs whose second key is 0, and published bounds single keys: neither
 * can be this pair.
 */
export const SCHEMA_CHANGES_LOCK = "-1, 1";

/**
 * The first key of the advisory locks by which a view's pages of one upstream application take
 * turns (the second is a hash of the view and the application): a pair, so that readers, who
 * count single keys, never see it, and -2, which no table's allocation lock (0 to 65535) nor
 * the schema changes lock (-1) has.
 */
export const VIEW_PAGES_LOCK = -2;

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
      hash bytea,
      CONSTRAINT ${table.derived("pkey")} PRIMARY KEY (originator_id, originator_version))`,
    addHashColumn(table),
  ];
}

/**
 * Adds the `hash` column to an events table made before events had hashes: nullable and without
 * a default, so no row is rewritten (rows made before read as NULL: events without a hash).
 * It runs only when the catalog shows the column missing (see `createdColumns`), as `ALTER
 * TABLE` takes the table's strongest lock even when the column exists.
 */
function addHashColumn(table: TableName): string {
  return `ALTER TABLE ${table.qualified} ADD COLUMN IF NOT EXISTS hash bytea`;
}

/** Notification ids stop below 2^47, so that an id fits in an advisory lock key (see `lockKey`). */
export const MAX_NOTIFICATION_ID = 2 ** 47 - 1;

/**
 * Names that lock keys give a table, 16 bits of a hash of its qualified name: the top bits of
 * each key, so that readers count only their own table's writers. Tables whose names share
 * the bits only make each other's readers wait for each other's writers, for a statement.
 */
export function lockNamespace(table: TableName): number {
  return createHash("sha256").update(table.qualified).digest().readUInt16BE(0);
}

/** The sequence of a table's notification ids, qualified and quoted. */
export const sequenceOf = (table: TableName): string =>
  `"${table.schema}".${table.derived("notification_id_seq")}`;

/** A table of events with notification ids: the application's total order. */
export function createApplicationTable(table: TableName): string[] {
  const sequence = sequenceOf(table);
  return [
    `CREATE SEQUENCE IF NOT EXISTS ${sequence} AS bigint MAXVALUE ${MAX_NOTIFICATION_ID} CACHE 1`,
    // No default for notification_id: an insert that doesn't take its ids as insertApplicationStatement
    // does (after publishing its bound) would let readers miss events, so it fails instead.
    `CREATE TABLE IF NOT EXISTS ${table.qualified} (
      originator_id text NOT NULL,
      originator_version bigint NOT NULL,
      topic text NOT NULL,
      state bytea NOT NULL,
      notification_id bigint NOT NULL,
      hash bytea,
      CONSTRAINT ${table.derived("pkey")} PRIMARY KEY (originator_id, originator_version))`,
    addHashColumn(table),
    `ALTER SEQUENCE ${sequence} OWNED BY ${table.qualified}.notification_id`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${table.derived("notification_id_idx")}
      ON ${table.qualified} (notification_id)`,
    // Selecting by topic reads each topic's notifications from here, in id order (see
    // ARRAY_TOPICS). A table made before it gets it too (see createdRelations).
    `CREATE INDEX IF NOT EXISTS ${table.derived("topic_idx")}
      ON ${table.qualified} (topic, notification_id)`,
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

/**
 * What a process recorder adds to its tracking table: each tracking record of a page says which
 * position it follows (`previous_id`: the largest id tracked when it was inserted, 0 if none),
 * and no two records of one upstream application follow the same position. That unique index is
 * what refuses the second of two racing pages, whatever their boundaries (see `insertPage`).
 * Records made otherwise (`insertTracking`, `{ tracking }`) follow nothing (NULL), as do those
 * of a table made before; a table made before gets the column and index when its recorder
 * creates its tables (see `createdRelations`).
 */
export function createPageTracking(table: TableName): string[] {
  return [
    `ALTER TABLE ${table.qualified} ADD COLUMN IF NOT EXISTS previous_id bigint`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${table.derived("previous_id_idx")}
      ON ${table.qualified} (application_name, previous_id)`,
  ];
}

/**
 * The CTEs that record a page's tracking record, or refuse the page: `position`, the largest id
 * tracked from the page's application as the statement sees it, and `tracked`, which inserts
 * the record of the page's last id that follows that position, returning one row.
 *
 * A statement sees the table as of its start, so a page that another transaction committed
 * meanwhile isn't in `position` (an advisory lock taken inside the statement would not help: the
 * check after it would still read the statement's snapshot). What refuses it is the unique
 * index on `(application_name, previous_id)`, which is checked against every row, committed or
 * in flight: two pages that follow the same position can't both commit (the second waits for the
 * first, and fails if it commits). So pages that commit form one chain from 0, each following
 * the one before it, and never overlap. A page whose first id the statement sees tracked
 * already is refused at once: it inserts the record of the position itself, which exists, so
 * that too is a unique violation (an `IntegrityError`), before anything else is written.
 */
export function pageTracking(table: TableName): Sql<Page> {
  const name: Parameter<Page> = (page) => page.applicationName;
  return sql<Page>`position AS MATERIALIZED (
  SELECT coalesce(max(notification_id), 0) AS tracked FROM ${raw(table.qualified)} WHERE application_name = ${name}
),
tracked AS (
  INSERT INTO ${raw(table.qualified)} (application_name, notification_id, previous_id)
  SELECT ${name}, CASE WHEN tracked >= ${(page) => page.first} THEN tracked ELSE ${(page) => page.last} END, tracked FROM position
  RETURNING notification_id
)`;
}

/** Records a page's tracking record, refusing the page as `pageTracking` says, with no events. */
export function insertPage(table: TableName): Sql<Page> {
  return sql<Page>`WITH ${pageTracking(table)}
SELECT notification_id FROM tracked`;
}

/**
 * How the events to insert are given: one event as five parameters, or any number as five
 * arrays (one statement whatever their number; the single form spares building arrays).
 */
export type Rows = "one" | "many";

/**
 * What an insert is given: one event's five values, or five arrays of the events' values (a
 * hash is NULL for an event without one).
 */
export type EventValues = { readonly [K in keyof StoredEvent]-?: unknown };

const originatorId: Parameter<EventValues> = (values) => values.originatorId;
const originatorVersion: Parameter<EventValues> = (values) => values.originatorVersion;
const topic: Parameter<EventValues> = (values) => values.topic;
const state: Parameter<EventValues> = (values) => values.state;
const hash: Parameter<EventValues> = (values) => values.hash;

const EVENTS: Record<Rows, Sql<EventValues>> = {
  one: sql`(VALUES (${originatorId}::text, ${originatorVersion}::bigint, ${topic}::text, ${state}::bytea, ${hash}::bytea))`,
  many: sql`unnest(${originatorId}::text[], ${originatorVersion}::bigint[], ${topic}::text[], ${state}::bytea[], ${hash}::bytea[])`,
};

/** Inserts events without notification ids (snapshots). */
export function insertAggregate(table: TableName, rows: Rows): Sql<EventValues> {
  return sql`INSERT INTO ${raw(table.qualified)} (${raw(EVENT_COLUMNS)})
SELECT * FROM ${EVENTS[rows]} AS e`;
}

/**
 * Inserts events with notification ids, returning them: one block of consecutive ids per
 * statement, so concurrent batches never interleave. `before` is CTEs of the same statement
 * (the process recorder's tracking record); when `awaited` names one of them that returns one
 * row, the allocation of ids below begins only once it has returned it (a page refused takes no
 * ids, and a page that waits for another to commit does so before it holds any lock).
 *
 * The ids are allocated under a lock held for the allocation only (a session-level advisory
 * lock, released before any row is written; commits never wait for it): exclusive for a batch,
 * whose block is made with `setval`, so that no other id is taken meanwhile; shared for a single
 * event, whose `nextval` alone is its block, so that single saves never wait for each other.
 * Under it, the statement first publishes the sequence's next value — the first id it takes,
 * which none of its ids can be below (see `publishedValue`) — as the key of a shared advisory
 * lock held to the end of the transaction, then takes its block from the sequence. Each step
 * is a subquery of the next, so they run in that order.
 */
export function insertApplication<B = unknown>(
  table: TableName,
  rows: Rows,
  before?: Sql<B>,
  awaited?: string,
): Sql<EventValues & B> {
  const sequence = `'${sequenceOf(table)}'::regclass`;
  const allocation = `${lockNamespace(table)}, 0`;
  const mode = rows === "one" ? "_shared" : "";
  const after = awaited === undefined ? "" : ` FROM ${awaited}`;
  const taken = raw(`SELECT nextval(${sequence}) AS first FROM (
        SELECT pg_advisory_xact_lock_shared(${lockKey(table, publishedValue(sequence))}) AS published
        FROM (SELECT pg_advisory_lock${mode}(${allocation}) AS locked${after}) AS allocating
      ) AS publishing`);
  // A batch moves the sequence past its block; one event's block is the id nextval took.
  const block =
    rows === "one"
      ? taken
      : sql`SELECT first, setval(${raw(sequence)}, first + cardinality(${originatorId}::text[]) - 1) AS last FROM (${taken}) AS taking`;
  const allocated = sql<EventValues>`SELECT first, pg_advisory_unlock${raw(mode)}(${raw(allocation)}) AS unlocked FROM (${block}) AS block`;
  const into = raw(`INSERT INTO ${table.qualified} (notification_id, ${EVENT_COLUMNS})`);
  if (rows === "one") {
    // The allocation is the insert's one-row source, run once: its functions are volatile, so
    // PostgreSQL neither merges its subqueries nor drops the unlock. About 6 µs a save cheaper
    // than reading it from a CTE, as a batch's rows must.
    return sql<EventValues & B>`${before ? sql<B>`WITH ${before}\n` : raw("")}${into}
SELECT a.first, ${originatorId}::text, ${originatorVersion}::bigint, ${topic}::text, ${state}::bytea, ${hash}::bytea
FROM (${allocated}) AS a
RETURNING notification_id`;
  }
  return sql<
    EventValues & B
  >`WITH ${before ? sql<B>`${before},\n` : raw("")}allocated AS MATERIALIZED (
  ${allocated}
)
${into}
SELECT (SELECT first FROM allocated) + e.n - 1, e.originator_id, e.originator_version, e.topic, e.state, e.hash
FROM unnest(${originatorId}::text[], ${originatorVersion}::bigint[], ${topic}::text[], ${state}::bytea[], ${hash}::bytea[]) WITH ORDINALITY AS e(originator_id, originator_version, topic, state, hash, n)
RETURNING notification_id`;
}

/**
 * The text of `insertApplication` without `before`, its parameters the events' five values or
 * arrays (`$1` to `$5`, the hash last): for running it statement by statement, as the ordering
 * tests do.
 */
export function insertApplicationStatement(table: TableName, rows: Rows): string {
  return insertApplication(table, rows).compile(DOLLAR_NUMBERS).text;
}

/** The next value of a sequence, read in a query of the sequence itself. */
const nextValue = "CASE WHEN is_called THEN last_value + 1 ELSE last_value END";

/**
 * What a writer publishes: the sequence's next value, or 1 (no id is lower) for a sequence
 * nothing has been taken from yet, whose last value the function doesn't give. Publishing less
 * than the first id taken only holds readers back while the writer is in flight; the function
 * reads the sequence live, as a query of it does, at about 6 µs less a save. Readers need the
 * exact value (a bound of 1 would hold them back for good), so they query the sequence.
 */
const publishedValue = (sequence: string) => `coalesce(pg_sequence_last_value(${sequence}) + 1, 1)`;

/** A lock key: the table's namespace in the top bits, a notification id in the low 47. */
const lockKey = (table: TableName, id: string) =>
  `(${BigInt(lockNamespace(table)) << 47n}::bigint + ${id})`;

/**
 * Measures a bound below which no id can be committed later: the lowest bound published by
 * writers in flight, or, when there are none, the sequence's next value. The sequence is read
 * before the locks (the lock query is correlated with it), since a writer that publishes after
 * the locks are read takes ids above the value read before. Both are read live, not from the
 * statement's snapshot, so the bound holds for statements that start after this one.
 */
export function boundExpression(table: TableName): string {
  const key = "((l.classid::bigint << 32) | l.objid::bigint)";
  return `(WITH next AS MATERIALIZED (SELECT ${nextValue} AS id FROM ${sequenceOf(table)})
  SELECT least(next.id, (
    SELECT min(${key} & ${MAX_NOTIFICATION_ID}) FROM pg_locks AS l
    WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND next.id IS NOT NULL
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND ${key} >> 47 = ${lockNamespace(table)}))
  FROM next)`;
}
