/**
 * PostgreSQL recorders: aggregate (sequences only, e.g. snapshots), application (with
 * notification ids, read only below the bound no id can be committed under later) and process
 * (with tracking records written in the same statement as the events).
 *
 * Each insert is one statement, so one round trip and one commit: all of it is stored or none
 * of it. It is sent once and never repeated, since a statement lost with its connection may or
 * may not have committed.
 */
import {
  type AggregateRecorder,
  type ApplicationRecorder,
  DataError,
  type InsertEventsOptions,
  type Notification,
  type ProcessRecorder,
  type SelectEventsOptions,
  type StoredEvent,
} from "@es/persistence-core";
import { type PostgresDatastore, Prepared, type Rows } from "./datastore.js";
import {
  boundExpression,
  createAggregateTable,
  createApplicationTable,
  createSchema,
  createTrackingTable,
  type Rows as InsertedRows,
  insertAggregateStatement,
  insertApplicationStatement,
  insertTrackingStatement,
  SCHEMA_CHANGES_LOCK,
  sequenceOf,
  type TableName,
} from "./schema.js";

const toBuffer = (bytes: Uint8Array) =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** `String.prototype.isWellFormed` (Node 20; not yet in TypeScript's ES2023 library). */
const isWellFormed = (value: string): boolean =>
  (value as string & { isWellFormed(): boolean }).isWellFormed();

/** Text the driver would store altered (a lone surrogate becomes U+FFFD) is refused. */
function text(value: string, what: string): string {
  if (!isWellFormed(value)) {
    throw new DataError(`${what} has a lone UTF-16 surrogate, which PostgreSQL can't store`);
  }
  return value;
}

/** The statements that insert one event, and any number. */
type Inserts = Readonly<Record<InsertedRows, Prepared>>;

const prepareInserts = (statement: (rows: InsertedRows) => string): Inserts => ({
  one: new Prepared(statement("one")),
  many: new Prepared(statement("many")),
});

/** Runs the insert for the events' number, with their values. */
const insert = (
  datastore: PostgresDatastore,
  inserts: Inserts,
  events: readonly StoredEvent[],
  extra: readonly unknown[] = [],
) =>
  datastore.write(events.length === 1 ? inserts.one : inserts.many, [...values(events), ...extra]);

/** The events' values as the insert statements take them: four values, or four arrays. */
function values(events: readonly StoredEvent[]): unknown[] {
  const [event] = events;
  if (events.length === 1 && event) {
    return [
      text(event.originatorId, "originator id"),
      event.originatorVersion,
      text(event.topic, "topic"),
      toBuffer(event.state),
    ];
  }
  return columns(events);
}

/** The events as four arrays. */
function columns(events: readonly StoredEvent[]): unknown[] {
  const ids: string[] = [];
  const versions: number[] = [];
  const topics: string[] = [];
  const states: Buffer[] = [];
  for (const event of events) {
    ids.push(text(event.originatorId, "originator id"));
    versions.push(event.originatorVersion);
    topics.push(text(event.topic, "topic"));
    states.push(toBuffer(event.state));
  }
  return [ids, versions, topics, states];
}

const ids = (rows: Rows): number[] => rows.map((row) => row.notification_id as number);

const toStoredEvent = (row: Record<string, unknown>): StoredEvent => ({
  originatorId: row.originator_id as string,
  originatorVersion: row.originator_version as number,
  topic: row.topic as string,
  state: row.state as Uint8Array,
});

export class PostgresAggregateRecorder implements AggregateRecorder {
  readonly datastore: PostgresDatastore;
  readonly eventsTable: TableName;
  readonly #inserts: Inserts;

  constructor(datastore: PostgresDatastore, eventsTable: TableName) {
    this.datastore = datastore;
    this.eventsTable = eventsTable;
    this.#inserts = prepareInserts((rows) => insertAggregateStatement(eventsTable, rows));
  }

  /** The statements that create this recorder's tables (and their schema). */
  createTableStatements(): string[] {
    return [createSchema(this.eventsTable.schema), ...createAggregateTable(this.eventsTable)];
  }

  /** The relations (tables, sequences, indexes) the statements make, qualified and quoted. */
  createdRelations(): string[] {
    return [this.eventsTable.qualified];
  }

  /**
   * Creates the tables if they don't exist. When they all do (an application starting again)
   * it changes nothing and locks nothing: DDL locks the tables, so it would make saves in
   * other processes wait, or deadlock with them. Processes that create tables at once take
   * turns (a transaction-level advisory lock), so each finds what the one before made.
   */
  async createTable(): Promise<void> {
    const relations = this.createdRelations();
    const [row] = await this.datastore.query(
      "SELECT count(to_regclass(name)) AS present FROM unnest($1::text[]) AS name",
      [relations],
    );
    if (Number(row?.present) === relations.length) return;
    await this.datastore.transaction(async (connection) => {
      await connection.query(`SELECT pg_advisory_xact_lock(${SCHEMA_CHANGES_LOCK})`);
      await connection.query(this.createTableStatements().join(";\n"));
    });
  }

  /** Inserts the events (in one statement: all or none). Snapshots have no notification ids. */
  async insertEvents(
    events: readonly StoredEvent[],
    _options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    if (events.length > 0) await insert(this.datastore, this.#inserts, events);
    return [];
  }

  async selectEvents(
    originatorId: string,
    { gt, lte, desc = false, limit }: SelectEventsOptions = {},
  ): Promise<StoredEvent[]> {
    const values: unknown[] = [originatorId];
    let where = "originator_id = $1";
    if (gt !== undefined) {
      values.push(gt);
      where += ` AND originator_version > $${values.length}`;
    }
    if (lte !== undefined) {
      values.push(lte);
      where += ` AND originator_version <= $${values.length}`;
    }
    let text = `SELECT originator_id, originator_version, topic, state FROM ${this.eventsTable.qualified} WHERE ${where} ORDER BY originator_version ${desc ? "DESC" : "ASC"}`;
    if (limit !== undefined) {
      values.push(Math.max(0, limit));
      text += ` LIMIT $${values.length}`;
    }
    return (await this.datastore.query(new Prepared(text), values)).map(toStoredEvent);
  }
}

export class PostgresApplicationRecorder
  extends PostgresAggregateRecorder
  implements ApplicationRecorder
{
  /**
   * A bound measured earlier: no id below it can be committed later, now or in any statement
   * that starts after it was measured (see `boundExpression`).
   */
  #bound = 0;
  readonly #inserts: Inserts;
  readonly #measure: Prepared;
  readonly #select: Prepared;
  readonly #max: Prepared;

  constructor(datastore: PostgresDatastore, eventsTable: TableName) {
    super(datastore, eventsTable);
    this.#inserts = prepareInserts((rows) => insertApplicationStatement(eventsTable, rows));
    this.#measure = new Prepared(`SELECT ${boundExpression(eventsTable)} AS bound`);
    this.#select = new Prepared(
      `SELECT notification_id, originator_id, originator_version, topic, state FROM ${eventsTable.qualified}
  WHERE notification_id >= $1 AND notification_id < $2 ORDER BY notification_id LIMIT $3`,
    );
    this.#max = new Prepared(
      `SELECT max(notification_id) AS max FROM ${eventsTable.qualified} WHERE notification_id < $1`,
    );
  }

  override createTableStatements(): string[] {
    return [createSchema(this.eventsTable.schema), ...createApplicationTable(this.eventsTable)];
  }

  override createdRelations(): string[] {
    const { schema } = this.eventsTable;
    return [
      ...super.createdRelations(),
      sequenceOf(this.eventsTable),
      `"${schema}".${this.eventsTable.derived("notification_id_idx")}`,
    ];
  }

  /** Inserts the events in one statement, resolving to their notification ids, in order. */
  override async insertEvents(
    events: readonly StoredEvent[],
    _options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    if (events.length === 0) return [];
    return ids(await insert(this.datastore, this.#inserts, events));
  }

  /**
   * Up to `limit` notifications from `start`, below the bound. A page that the last bound
   * measured already covers is one statement; one that reaches past it (a reader at the end of
   * the log) measures a new bound first, so a read that starts after a save has returned sees
   * that save.
   */
  async selectNotifications(start: number, limit: number): Promise<Notification[]> {
    const from = Math.max(0, Math.floor(start));
    const most = Math.max(0, Math.floor(limit));
    if (most === 0) return [];
    let bound = this.#bound;
    let rows = from < bound ? await this.datastore.query(this.#select, [from, bound, most]) : [];
    if (rows.length < most) {
      // Every id from `from` below the old bound is read: go on from the next, below a new one.
      const next = rows.length > 0 ? (rows.at(-1)?.notification_id as number) + 1 : from;
      bound = await this.#measureBound();
      if (next < bound) {
        rows = rows.concat(
          await this.datastore.query(this.#select, [next, bound, most - rows.length]),
        );
      }
    }
    return rows.map((row) => ({
      id: row.notification_id as number,
      originatorId: row.originator_id as string,
      originatorVersion: row.originator_version as number,
      topic: row.topic as string,
      state: row.state as Uint8Array,
    }));
  }

  /** The largest notification id below a bound measured now (every id up to it can be read). */
  async maxNotificationId(): Promise<number> {
    const bound = await this.#measureBound();
    const [row] = await this.datastore.query(this.#max, [bound]);
    return (row?.max as number | null | undefined) ?? 0;
  }

  /** Measures the bound, for this statement's successors. */
  async #measureBound(): Promise<number> {
    const [row] = await this.datastore.query(this.#measure);
    this.#bound = row?.bound as number;
    return this.#bound;
  }
}

export class PostgresProcessRecorder
  extends PostgresApplicationRecorder
  implements ProcessRecorder
{
  readonly trackingTable: TableName;
  readonly #insertTracking: Prepared;
  readonly #insertsWithTracking: Inserts;
  readonly #maxTrackingId: Prepared;
  readonly #hasTrackingId: Prepared;

  constructor(datastore: PostgresDatastore, eventsTable: TableName, trackingTable: TableName) {
    super(datastore, eventsTable);
    this.trackingTable = trackingTable;
    this.#insertTracking = new Prepared(insertTrackingStatement(trackingTable, 1));
    this.#insertsWithTracking = prepareInserts((rows) =>
      insertApplicationStatement(
        eventsTable,
        rows,
        // The tracking record's values follow the events' four.
        `tracked AS (${insertTrackingStatement(trackingTable, 5)})`,
      ),
    );
    this.#maxTrackingId = new Prepared(
      `SELECT coalesce(max(notification_id), 0) AS max FROM ${trackingTable.qualified} WHERE application_name = $1`,
    );
    this.#hasTrackingId = new Prepared(
      `SELECT 1 FROM ${trackingTable.qualified} WHERE application_name = $1 AND notification_id = $2`,
    );
  }

  override createTableStatements(): string[] {
    return [...super.createTableStatements(), ...createTrackingTable(this.trackingTable)];
  }

  override createdRelations(): string[] {
    return [...super.createdRelations(), this.trackingTable.qualified];
  }

  /** Inserts the events and the tracking record in one statement: both or neither. */
  override async insertEvents(
    events: readonly StoredEvent[],
    { tracking }: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    if (!tracking) return super.insertEvents(events);
    const tracked = [text(tracking.applicationName, "application name"), tracking.notificationId];
    if (events.length === 0) {
      await this.datastore.write(this.#insertTracking, tracked);
      return [];
    }
    return ids(await insert(this.datastore, this.#insertsWithTracking, events, tracked));
  }

  async maxTrackingId(applicationName: string): Promise<number> {
    const [row] = await this.datastore.query(this.#maxTrackingId, [applicationName]);
    return (row?.max as number | undefined) ?? 0;
  }

  async hasTrackingId(applicationName: string, notificationId: number): Promise<boolean> {
    return (
      (await this.datastore.query(this.#hasTrackingId, [applicationName, notificationId])).length >
      0
    );
  }
}
