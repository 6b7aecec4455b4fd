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
  insertAggregateStatement,
  insertApplicationStatement,
  insertTrackingStatement,
  type TableName,
} from "./schema.js";

const toBuffer = (bytes: Uint8Array) =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const LONE_SURROGATE = /\p{Cs}/u;

/** Text the driver would store altered (a lone surrogate becomes U+FFFD) is refused. */
function text(value: string, what: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw new DataError(`${what} has a lone UTF-16 surrogate, which PostgreSQL can't store`);
  }
  return value;
}

/** The events as the four arrays the insert statements take. */
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
  readonly #insert: Prepared;

  constructor(datastore: PostgresDatastore, eventsTable: TableName) {
    this.datastore = datastore;
    this.eventsTable = eventsTable;
    this.#insert = new Prepared(insertAggregateStatement(eventsTable));
  }

  /** The statements that create this recorder's tables (and their schema). */
  createTableStatements(): string[] {
    return [createSchema(this.eventsTable.schema), ...createAggregateTable(this.eventsTable)];
  }

  /** Creates the tables if they don't exist. */
  async createTable(): Promise<void> {
    await this.datastore.execute(this.createTableStatements().join(";\n"));
  }

  /** Inserts the events (in one statement: all or none). Snapshots have no notification ids. */
  async insertEvents(
    events: readonly StoredEvent[],
    _options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    if (events.length > 0) {
      await this.datastore.write(this.#insert, columns(events));
    }
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
   * A bound measured earlier: no id below it can be committed later. A bound measured before a
   * statement starts holds for that statement, so each read measures one for the next.
   */
  #bound = 0;
  readonly #insert: Prepared;
  readonly #selectNotifications: Prepared;
  readonly #maxNotificationId: Prepared;

  constructor(datastore: PostgresDatastore, eventsTable: TableName) {
    super(datastore, eventsTable);
    this.#insert = new Prepared(insertApplicationStatement(eventsTable));
    const measured = (query: string) =>
      new Prepared(`SELECT n.bound AS next_bound, q.* FROM (SELECT ${boundExpression(eventsTable)} AS bound) AS n
LEFT JOIN LATERAL (${query}) AS q ON true`);
    this.#selectNotifications = measured(
      `SELECT notification_id, originator_id, originator_version, topic, state FROM ${eventsTable.qualified}
  WHERE notification_id >= $2 AND notification_id < $1 ORDER BY notification_id LIMIT $3`,
    );
    this.#maxNotificationId = measured(
      `SELECT max(notification_id) AS max FROM ${eventsTable.qualified} WHERE notification_id < $1`,
    );
  }

  override createTableStatements(): string[] {
    return [createSchema(this.eventsTable.schema), ...createApplicationTable(this.eventsTable)];
  }

  /** Inserts the events in one statement, resolving to their notification ids, in order. */
  override async insertEvents(
    events: readonly StoredEvent[],
    _options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    if (events.length === 0) return [];
    return ids(await this.datastore.write(this.#insert, columns(events)));
  }

  async selectNotifications(start: number, limit: number): Promise<Notification[]> {
    const from = Math.max(0, Math.floor(start));
    const most = Math.max(0, Math.floor(limit));
    const rows = (
      await this.#belowBound(
        this.#selectNotifications,
        [from, most],
        (found) => found.filter((row) => row.notification_id !== null).length < most,
      )
    ).filter((row) => row.notification_id !== null);
    return rows.map((row) => ({ id: row.notification_id as number, ...toStoredEvent(row) }));
  }

  /** The largest notification id below the bound (every id up to it can be read), or 0. */
  async maxNotificationId(): Promise<number> {
    const [row] = await this.#belowBound(this.#maxNotificationId, [], () => true);
    return (row?.max as number | null | undefined) ?? 0;
  }

  /**
   * Runs a read below the last bound measured, measuring the next. When the next is higher and
   * the answer may be short of it (`short`), reads once more below the next, so that a read
   * that starts after a save has returned sees that save.
   */
  async #belowBound(
    statement: Prepared,
    values: readonly unknown[],
    short: (rows: Rows) => boolean,
  ): Promise<Rows> {
    let bound = this.#bound;
    for (let attempt = 1; ; attempt++) {
      const rows = await this.datastore.query(statement, [bound, ...values]);
      const next = rows[0]?.next_bound as number;
      this.#bound = next;
      if (attempt > 1 || next <= bound || !short(rows)) return rows;
      bound = next;
    }
  }
}

export class PostgresProcessRecorder
  extends PostgresApplicationRecorder
  implements ProcessRecorder
{
  readonly trackingTable: TableName;
  readonly #insertTracking: Prepared;
  readonly #insertWithTracking: Prepared;
  readonly #maxTrackingId: Prepared;
  readonly #hasTrackingId: Prepared;

  constructor(datastore: PostgresDatastore, eventsTable: TableName, trackingTable: TableName) {
    super(datastore, eventsTable);
    this.trackingTable = trackingTable;
    this.#insertTracking = new Prepared(insertTrackingStatement(trackingTable, 1));
    this.#insertWithTracking = new Prepared(
      insertApplicationStatement(
        eventsTable,
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

  /** Inserts the events and the tracking record in one statement: both or neither. */
  override async insertEvents(
    events: readonly StoredEvent[],
    { tracking }: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    if (!tracking) return super.insertEvents(events);
    const tracked = [tracking.applicationName, tracking.notificationId];
    if (events.length === 0) {
      await this.datastore.write(this.#insertTracking, tracked);
      return [];
    }
    return ids(
      await this.datastore.write(this.#insertWithTracking, [...columns(events), ...tracked]),
    );
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
