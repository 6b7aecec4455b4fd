/**
 * PostgreSQL recorders: aggregate (sequences only, e.g. snapshots), application (with
 * notification ids given at commit, in commit order, without serialising writers) and process
 * (with tracking records written in the same transaction as the events).
 */
import type {
  AggregateRecorder,
  ApplicationRecorder,
  InsertEventsOptions,
  Notification,
  ProcessRecorder,
  SelectEventsOptions,
  StoredEvent,
  Tracking,
} from "@es/persistence-core";
import type { Connection, PostgresDatastore, Rows } from "./datastore.js";
import {
  createAggregateTable,
  createApplicationTable,
  createSchema,
  createTrackingTable,
  insertStatement,
  numberStatement,
  type TableName,
} from "./schema.js";

/** Rows per INSERT statement (four parameters each, well under PostgreSQL's 65,535). */
const BATCH = 5_000;

const toBuffer = (bytes: Uint8Array) =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const toStoredEvent = (row: Record<string, unknown>): StoredEvent => ({
  originatorId: row.originator_id as string,
  originatorVersion: row.originator_version as number,
  topic: row.topic as string,
  state: row.state as Uint8Array,
});

export class PostgresAggregateRecorder implements AggregateRecorder {
  readonly datastore: PostgresDatastore;
  readonly eventsTable: TableName;

  constructor(datastore: PostgresDatastore, eventsTable: TableName) {
    this.datastore = datastore;
    this.eventsTable = eventsTable;
  }

  /** The statements that create this recorder's tables (and their schema). */
  createTableStatements(): string[] {
    return [createSchema(this.eventsTable.schema), ...createAggregateTable(this.eventsTable)];
  }

  /** Creates the tables if they don't exist. */
  async createTable(): Promise<void> {
    await this.datastore.execute(this.createTableStatements().join(";\n"));
  }

  async insertEvents(
    events: readonly StoredEvent[],
    options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    if (events.length === 0 && !options.tracking) return [];
    await this.datastore.transaction(async (connection) => {
      await this.insertRows(connection, events);
      if (options.tracking) await this.insertTracking(connection, options.tracking);
    });
    return [];
  }

  protected async insertRows(
    connection: Connection,
    events: readonly StoredEvent[],
  ): Promise<void> {
    for (let start = 0; start < events.length; start += BATCH) {
      const batch = events.slice(start, start + BATCH);
      const values: unknown[] = [];
      for (const event of batch) {
        values.push(
          event.originatorId,
          event.originatorVersion,
          event.topic,
          toBuffer(event.state),
        );
      }
      await connection.query(insertStatement(this.eventsTable, batch.length), values);
    }
  }

  protected async insertTracking(_connection: Connection, _tracking: Tracking): Promise<void> {}

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
    return (await this.datastore.query(text, values)).map(toStoredEvent);
  }
}

export class PostgresApplicationRecorder
  extends PostgresAggregateRecorder
  implements ApplicationRecorder
{
  override createTableStatements(): string[] {
    return [createSchema(this.eventsTable.schema), ...createApplicationTable(this.eventsTable)];
  }

  /**
   * Inserts the events in one transaction, then numbers every committed event without a
   * notification id (this transaction's among them) and returns this transaction's ids.
   */
  override async insertEvents(
    events: readonly StoredEvent[],
    options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    if (events.length === 0 && !options.tracking) return [];
    const transaction = await this.datastore.transaction(async (connection) => {
      await this.insertRows(connection, events);
      if (options.tracking) await this.insertTracking(connection, options.tracking);
      if (events.length === 0) return undefined;
      const [row] = await connection.query("SELECT pg_current_xact_id()::text AS tx_id");
      return row?.tx_id as string;
    });
    if (transaction === undefined) return [];
    await this.datastore.execute(numberStatement(this.eventsTable));
    const rows = await this.datastore.query(
      `SELECT notification_id FROM ${this.eventsTable.qualified} WHERE tx_id = $1::xid8 ORDER BY position`,
      [transaction],
    );
    return rows.map((row) => row.notification_id as number);
  }

  async selectNotifications(start: number, limit: number): Promise<Notification[]> {
    const select = async () =>
      this.datastore.query(
        `SELECT notification_id, originator_id, originator_version, topic, state FROM ${this.eventsTable.qualified}
         WHERE notification_id >= $1 ORDER BY notification_id LIMIT $2`,
        [Math.max(0, Math.floor(start)), Math.max(0, Math.floor(limit))],
      );
    let rows = await select();
    // At the end of the log, number any events a writer committed but didn't number (it
    // stopped between its commit and its numbering), so that no reader waits on them.
    if (rows.length < limit && (await this.numberLeftovers())) rows = await select();
    return rows.map((row) => ({ id: row.notification_id as number, ...toStoredEvent(row) }));
  }

  async maxNotificationId(): Promise<number> {
    await this.numberLeftovers();
    const [row] = await this.datastore.query(
      `SELECT coalesce(max(notification_id), 0) AS max FROM ${this.eventsTable.qualified}`,
    );
    return (row?.max as number | undefined) ?? 0;
  }

  /** Numbers committed events left without an id, if there are any; true if there were. */
  protected async numberLeftovers(): Promise<boolean> {
    const rows = await this.datastore.query(
      `SELECT 1 FROM ${this.eventsTable.qualified} WHERE notification_id IS NULL LIMIT 1`,
    );
    if (rows.length === 0) return false;
    await this.datastore.execute(numberStatement(this.eventsTable));
    return true;
  }
}

export class PostgresProcessRecorder
  extends PostgresApplicationRecorder
  implements ProcessRecorder
{
  readonly trackingTable: TableName;

  constructor(datastore: PostgresDatastore, eventsTable: TableName, trackingTable: TableName) {
    super(datastore, eventsTable);
    this.trackingTable = trackingTable;
  }

  override createTableStatements(): string[] {
    return [...super.createTableStatements(), ...createTrackingTable(this.trackingTable)];
  }

  protected override async insertTracking(
    connection: Connection,
    tracking: Tracking,
  ): Promise<void> {
    await connection.query(
      `INSERT INTO ${this.trackingTable.qualified} (application_name, notification_id) VALUES ($1, $2)`,
      [tracking.applicationName, tracking.notificationId],
    );
  }

  async maxTrackingId(applicationName: string): Promise<number> {
    const rows: Rows = await this.datastore.query(
      `SELECT coalesce(max(notification_id), 0) AS max FROM ${this.trackingTable.qualified} WHERE application_name = $1`,
      [applicationName],
    );
    return (rows[0]?.max as number | undefined) ?? 0;
  }

  async hasTrackingId(applicationName: string, notificationId: number): Promise<boolean> {
    const rows = await this.datastore.query(
      `SELECT 1 FROM ${this.trackingTable.qualified} WHERE application_name = $1 AND notification_id = $2`,
      [applicationName, notificationId],
    );
    return rows.length > 0;
  }
}
