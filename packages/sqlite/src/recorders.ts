/**
 * SQLite recorders: aggregate (sequences only, e.g. snapshots), application (with notification
 * ids, the table's autoincrementing key) and process (with tracking records written in the
 * same transaction as the events). Statements are compiled by kysely once and prepared once.
 */
import {
  type AggregateRecorder,
  type ApplicationRecorder,
  type InsertEventsOptions,
  type Notification,
  type ProcessRecorder,
  ProgrammingError,
  type SelectEventsOptions,
  type StoredEvent,
  type Tracking,
} from "@es/persistence-core";
import type { PreparedStatement, SqliteDatastore } from "./datastore.js";
import {
  createAggregateTable,
  createApplicationTable,
  createTrackingTable,
  eventsDb,
  type StoredEventRow,
  trackingDb,
} from "./schema.js";

type EventRow = Pick<StoredEventRow, "originator_id" | "originator_version" | "topic" | "state">;
type NotificationRow = EventRow & { notification_id: number };
/** Rows as arrays (better-sqlite3's raw mode): cheaper than an object per row. */
type RawEventRow = [
  originatorId: string,
  originatorVersion: number,
  topic: string,
  state: Uint8Array,
];

const toBuffer = (bytes: Uint8Array) =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const toStoredEvent = (row: EventRow): StoredEvent => ({
  originatorId: row.originator_id,
  originatorVersion: row.originator_version,
  topic: row.topic,
  state: row.state,
});

export class SqliteAggregateRecorder implements AggregateRecorder {
  readonly datastore: SqliteDatastore;
  /** The table of events. */
  readonly eventsTable: string;
  readonly #statements = new Map<string, PreparedStatement>();

  constructor(datastore: SqliteDatastore, eventsTable: string) {
    this.datastore = datastore;
    this.eventsTable = eventsTable;
  }

  /** The statements that create this recorder's tables. */
  createTableStatements(): string[] {
    return createAggregateTable(this.eventsTable);
  }

  /** Creates the tables if they don't exist. */
  createTable(): void {
    this.datastore.exec(this.createTableStatements());
  }

  /** A statement prepared once per recorder (preparing checks the table exists). */
  protected statement(key: string, compile: () => string): PreparedStatement {
    let statement = this.#statements.get(key);
    if (!statement) {
      statement = this.datastore.prepare(compile());
      this.#statements.set(key, statement);
    }
    return statement;
  }

  async insertEvents(
    events: readonly StoredEvent[],
    options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    const insert = this.insertStatement();
    const track = options.tracking ? this.trackingStatement() : undefined;
    return this.datastore.write(() => {
      const ids = this.insertRows(insert, events);
      if (track && options.tracking) this.insertTracking(track, options.tracking);
      return ids;
    });
  }

  protected insertStatement(): PreparedStatement {
    return this.statement(
      "insert",
      () =>
        eventsDb
          .insertInto(this.eventsTable)
          .values({ originator_id: "", originator_version: 0, topic: "", state: new Uint8Array() })
          .compile().sql,
    );
  }

  protected insertRows(
    insert: PreparedStatement,
    events: readonly StoredEvent[],
  ): readonly number[] {
    for (const e of events)
      insert.run(e.originatorId, e.originatorVersion, e.topic, toBuffer(e.state));
    return [];
  }

  protected trackingStatement(): PreparedStatement {
    throw new ProgrammingError(
      `${this.constructor.name} can't record tracking; use a process recorder`,
    );
  }

  protected insertTracking(_statement: PreparedStatement, _tracking: Tracking): void {}

  async selectEvents(
    originatorId: string,
    options: SelectEventsOptions = {},
  ): Promise<StoredEvent[]> {
    const { gt, lte, desc = false, limit } = options;
    const key = `select:${gt !== undefined}:${lte !== undefined}:${desc}:${limit !== undefined}`;
    const statement = this.statement(key, () => {
      let query = eventsDb
        .selectFrom(this.eventsTable)
        .select(["originator_id", "originator_version", "topic", "state"])
        .where("originator_id", "=", "");
      if (gt !== undefined) query = query.where("originator_version", ">", 0);
      if (lte !== undefined) query = query.where("originator_version", "<=", 0);
      query = query.orderBy("originator_version", desc ? "desc" : "asc");
      if (limit !== undefined) query = query.limit(0);
      return query.compile().sql;
    });
    const params: unknown[] = [originatorId];
    if (gt !== undefined) params.push(gt);
    if (lte !== undefined) params.push(lte);
    if (limit !== undefined) params.push(Math.max(0, limit));
    const rows = this.datastore.read(() => statement.raw(true).all(...params) as RawEventRow[]);
    const events: StoredEvent[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [originatorId, originatorVersion, topic, state] = rows[i] as RawEventRow;
      events[i] = { originatorId, originatorVersion, topic, state };
    }
    return events;
  }
}

export class SqliteApplicationRecorder
  extends SqliteAggregateRecorder
  implements ApplicationRecorder
{
  override createTableStatements(): string[] {
    return createApplicationTable(this.eventsTable);
  }

  protected override insertRows(
    insert: PreparedStatement,
    events: readonly StoredEvent[],
  ): readonly number[] {
    const ids: number[] = [];
    for (const e of events) {
      const result = insert.run(e.originatorId, e.originatorVersion, e.topic, toBuffer(e.state));
      ids.push(Number(result.lastInsertRowid));
    }
    return ids;
  }

  async selectNotifications(start: number, limit: number): Promise<Notification[]> {
    const statement = this.statement(
      "notifications",
      () =>
        eventsDb
          .selectFrom(this.eventsTable)
          .select(["notification_id", "originator_id", "originator_version", "topic", "state"])
          .where("notification_id", ">=", 0)
          .orderBy("notification_id")
          .limit(0)
          .compile().sql,
    );
    const rows = this.datastore.read(
      () => statement.all(start, Math.max(0, limit)) as NotificationRow[],
    );
    return rows.map((row) => ({ id: row.notification_id, ...toStoredEvent(row) }));
  }

  async maxNotificationId(): Promise<number> {
    const statement = this.statement(
      "max",
      () =>
        eventsDb
          .selectFrom(this.eventsTable)
          .select((eb) => eb.fn.max("notification_id").as("max"))
          .compile().sql,
    );
    const row = this.datastore.read(() => statement.get() as { max: number | null });
    return row.max ?? 0;
  }
}

export class SqliteProcessRecorder extends SqliteApplicationRecorder implements ProcessRecorder {
  readonly trackingTable: string;

  constructor(datastore: SqliteDatastore, eventsTable: string, trackingTable: string) {
    super(datastore, eventsTable);
    this.trackingTable = trackingTable;
  }

  override createTableStatements(): string[] {
    return [...super.createTableStatements(), ...createTrackingTable(this.trackingTable)];
  }

  protected override trackingStatement(): PreparedStatement {
    return this.statement(
      "track",
      () =>
        trackingDb
          .insertInto(this.trackingTable)
          .values({ application_name: "", notification_id: 0 })
          .compile().sql,
    );
  }

  protected override insertTracking(statement: PreparedStatement, tracking: Tracking): void {
    statement.run(tracking.applicationName, tracking.notificationId);
  }

  async maxTrackingId(applicationName: string): Promise<number> {
    const statement = this.statement(
      "maxTracking",
      () =>
        trackingDb
          .selectFrom(this.trackingTable)
          .select((eb) => eb.fn.max("notification_id").as("max"))
          .where("application_name", "=", "")
          .compile().sql,
    );
    const row = this.datastore.read(() => statement.get(applicationName) as { max: number | null });
    return row.max ?? 0;
  }

  async hasTrackingId(applicationName: string, notificationId: number): Promise<boolean> {
    const statement = this.statement(
      "hasTracking",
      () =>
        trackingDb
          .selectFrom(this.trackingTable)
          .select("notification_id")
          .where("application_name", "=", "")
          .where("notification_id", "=", 0)
          .compile().sql,
    );
    return this.datastore.read(() => statement.get(applicationName, notificationId) !== undefined);
  }
}
