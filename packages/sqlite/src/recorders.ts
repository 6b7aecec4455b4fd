/**
 * SQLite recorders: aggregate (sequences only, e.g. snapshots), application (with notification
 * ids, the table's autoincrementing key) and process (with tracking records written in the
 * same transaction as the events). Statements are text compiled once when a recorder is made
 * and prepared once, on first use; an originator's events are read as arrays (raw mode). Every
 * call runs through `datastore.whenFree`, so none runs inside a view's transaction.
 */
import {
  type AggregateRecorder,
  type ApplicationRecorder,
  checkHashes,
  eventSelection,
  type InsertEventsOptions,
  type Notification,
  notificationPages,
  notificationSelection,
  notificationSubscription,
  type Page,
  type ProcessRecorder,
  type SelectEventsOptions,
  type SelectNotificationsOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  type TextStoredEvent,
  type Tracking,
  type TrackingRecorder,
  type WaitOptions,
  waitForTracking,
} from "@es/persistence-core";
import {
  hasTrackingId,
  insertEvent,
  insertedTracking,
  insertTracking,
  jsonTopics,
  maxNotificationId,
  maxTrackingId,
  pageRefusedBy,
  QUESTION_MARKS,
  refuseTracking,
  type SelectEventsArgs,
  type SelectNotificationsArgs,
  type SelectNotificationsShape,
  type Sql,
  type Statement,
  selectEventsStatements,
  selectNotificationId,
  selectNotifications,
  withTracking,
} from "@es/persistence-core/sql";
import type { PreparedStatement, SqliteDatastore } from "./datastore.js";
import {
  eventOf,
  HEX_HASH,
  notificationOf,
  type RawNotificationRow,
  STATE_AS_TEXT,
  textEventOf,
} from "./rows.js";
import {
  addHashColumn,
  createAggregateTable,
  createApplicationTable,
  createTrackingTable,
  HAS_HASH_COLUMN,
  quoted,
  topicIndex,
} from "./schema.js";

/**
 * A recorder's statement: compiled once, when the recorder is made, and prepared on first use
 * (preparing checks the table exists, which it may not until `createTable`).
 */
class SqliteStatement<A> {
  readonly #datastore: SqliteDatastore;
  readonly #statement: Statement<A>;
  #prepared: PreparedStatement | undefined;
  /** Whether the prepared statement reads rows as arrays: switched only when that changes. */
  #raw = false;

  constructor(datastore: SqliteDatastore, query: Sql<A>) {
    this.#datastore = datastore;
    this.#statement = query.compile(QUESTION_MARKS);
  }

  /** The statement prepared (once). */
  prepare(): PreparedStatement {
    this.#prepared ??= this.#datastore.prepare(this.#statement.text);
    return this.#prepared;
  }

  run(args: A): ReturnType<PreparedStatement["run"]> {
    return this.prepare().run(...this.#statement.params(args));
  }

  get(args: A): unknown {
    return this.#reading(false).get(...this.#statement.params(args));
  }

  /** The rows as arrays, in the order of the selected columns. */
  allRaw(args: A): unknown[] {
    return this.#reading(true).all(...this.#statement.params(args));
  }

  /** The statement prepared, reading rows as arrays or not (a call into the driver each switch). */
  #reading(raw: boolean): PreparedStatement {
    const prepared = this.prepare();
    if (this.#raw !== raw) {
      prepared.raw(raw);
      this.#raw = raw;
    }
    return prepared;
  }
}

/** Sequences of events in a SQLite table, without notification ids: snapshots. */
export class SqliteAggregateRecorder implements AggregateRecorder {
  /** The connection the recorder's statements run on. */
  readonly datastore: SqliteDatastore;
  /** The table of events. */
  readonly eventsTable: string;
  readonly #insert: SqliteStatement<StoredEvent>;
  readonly #select: (options: SelectEventsOptions) => SqliteStatement<SelectEventsArgs>;
  readonly #selectText: (options: SelectEventsOptions) => SqliteStatement<SelectEventsArgs>;

  constructor(datastore: SqliteDatastore, eventsTable: string) {
    this.datastore = datastore;
    this.eventsTable = eventsTable;
    this.#insert = new SqliteStatement(datastore, insertEvent(quoted(eventsTable)));
    const prepare = (query: Sql<SelectEventsArgs>) => new SqliteStatement(datastore, query);
    this.#select = selectEventsStatements(quoted(eventsTable), prepare, { hash: HEX_HASH });
    this.#selectText = selectEventsStatements(quoted(eventsTable), prepare, {
      hash: HEX_HASH,
      state: STATE_AS_TEXT,
    });
  }

  /** The statements that create this recorder's tables. */
  createTableStatements(): string[] {
    return createAggregateTable(this.eventsTable);
  }

  /**
   * Creates the tables if they don't exist, and adds the `hash` column to an events table made
   * before events had hashes (see `HAS_HASH_COLUMN`).
   */
  createTable(): void {
    this.datastore.exec(this.createTableStatements(), () =>
      this.datastore.prepare(HAS_HASH_COLUMN).get(this.eventsTable) === undefined
        ? [addHashColumn(this.eventsTable)]
        : [],
    );
  }

  async insertEvents(
    events: readonly StoredEvent[],
    options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    const tracking = this.trackingOf(options);
    checkHashes(events);
    // Prepared first, so that a missing table is found even when there are no events.
    this.#insert.prepare();
    return this.datastore.whenFree(() =>
      this.datastore.write(() => {
        // In the write transaction (BEGIN IMMEDIATE), so it sees every process's last commit.
        if (options.page) this.checkPage(options.page);
        const ids = this.insertRows(events);
        if (tracking) this.recordTracking(tracking);
        return ids;
      }),
    );
  }

  /**
   * The tracking record to write with the events, if any: only process recorders record
   * tracking, so this refuses one (or a page) before anything is written.
   */
  protected trackingOf(options: InsertEventsOptions): Tracking | undefined {
    refuseTracking(this, options);
    return undefined;
  }

  /** Refuses a page whose notifications are tracked (process recorders; others have none). */
  protected checkPage(_page: Page): void {}

  /** Inserts the events, resolving to their notification ids (none here). */
  protected insertRows(events: readonly StoredEvent[]): readonly number[] {
    for (const event of events) this.insertRow(event);
    return [];
  }

  /** Inserts one event: the new row's key is its notification id, if the table has them. */
  protected insertRow(event: StoredEvent): number | bigint {
    return this.#insert.run(event).lastInsertRowid;
  }

  /** Records the tracking record in the transaction (process recorders; others refused it). */
  protected recordTracking(_tracking: Tracking): void {}

  async selectEvents(
    originatorId: string,
    options: SelectEventsOptions = {},
  ): Promise<StoredEvent[]> {
    return this.#selected(this.#select, originatorId, options, eventOf);
  }

  /**
   * As `selectEvents`, each state the text of its bytes (`CAST(state AS TEXT)`): better-sqlite3
   * hands over a short text for a fraction of what a blob costs (a Buffer of its own each), which
   * is about a third of what reading ten events costs.
   */
  async selectEventsAsText(
    originatorId: string,
    options: SelectEventsOptions = {},
  ): Promise<TextStoredEvent[]> {
    return this.#selected(this.#selectText, originatorId, options, textEventOf);
  }

  /** The records of the rows one of the statements selecting events gives, once the connection is free. */
  #selected<Row, T>(
    statements: (options: SelectEventsOptions) => SqliteStatement<SelectEventsArgs>,
    originatorId: string,
    options: SelectEventsOptions,
    recordOf: (row: Row) => T,
  ): T[] | Promise<T[]> {
    // Checked here, as every recorder checks them, rather than by the driver (or not at all).
    const selection = eventSelection(options);
    const select = statements(selection);
    return this.datastore.whenFree(() => {
      const rows = this.datastore.read(
        () => select.allRaw({ originatorId, ...selection }) as Row[],
      );
      return rows.map(recordOf);
    });
  }
}

/**
 * Events with notification ids in a SQLite table: ids are the table's autoincrementing key,
 * assigned in commit order (writes hold SQLite's write lock from their start).
 */
export class SqliteApplicationRecorder
  extends SqliteAggregateRecorder
  implements ApplicationRecorder
{
  /** Notifications from a start: all of them, below a stop, or of some topics below a stop. */
  readonly #notifications = {
    all: this.#selectNotifications({}),
    below: this.#selectNotifications({ bounded: true }),
    ofTopics: this.#selectNotifications({ topics: jsonTopics(topicIndex(this.eventsTable)) }),
  };
  readonly #max = new SqliteStatement(this.datastore, maxNotificationId(quoted(this.eventsTable)));
  readonly #notificationId = new SqliteStatement(
    this.datastore,
    selectNotificationId(quoted(this.eventsTable)),
  );

  #selectNotifications(shape: SelectNotificationsShape): SqliteStatement<SelectNotificationsArgs> {
    return new SqliteStatement(
      this.datastore,
      selectNotifications(quoted(this.eventsTable), { ...shape, hash: HEX_HASH }),
    );
  }

  override createTableStatements(): string[] {
    return createApplicationTable(this.eventsTable);
  }

  protected override insertRows(events: readonly StoredEvent[]): readonly number[] {
    const ids: number[] = [];
    for (const event of events) ids.push(Number(this.insertRow(event)));
    return ids;
  }

  /**
   * Up to `limit` notifications from `start`, only up to `options.stop` and of `options.topics`
   * if given: a stop is the statement's bound (the id after it), and topics are one JSON
   * parameter, so each of the three statements is prepared once.
   */
  async selectNotifications(
    start: number,
    limit: number,
    options?: SelectNotificationsOptions,
  ): Promise<Notification[]> {
    const { end, topics, ...page } = notificationSelection(start, limit, options);
    const args = { bound: end ?? Number.MAX_SAFE_INTEGER, ...page, ...(topics && { topics }) };
    const select = topics
      ? this.#notifications.ofTopics
      : end === undefined
        ? this.#notifications.all
        : this.#notifications.below;
    return this.datastore.whenFree(() => {
      const rows = this.datastore.read(() => select.allRaw(args) as RawNotificationRow[]);
      return rows.map(notificationOf);
    });
  }

  async maxNotificationId(): Promise<number> {
    return this.datastore.whenFree(
      () => this.datastore.read(() => this.#max.get({}) as { max: number | null }).max ?? 0,
    );
  }

  async notificationIdOf(originatorId: string, version: number): Promise<number | undefined> {
    return this.datastore.whenFree(() => {
      const row = this.datastore.read(
        () =>
          this.#notificationId.get({ originatorId, version }) as
            | { notification_id: number }
            | undefined,
      );
      return row?.notification_id;
    });
  }

  /**
   * Woken by each commit of the datastore's connection at once, and by other connections'
   * (other processes') within a few milliseconds (`PRAGMA data_version`).
   */
  subscribe(options?: SubscribeOptions): Subscription<Notification> {
    return notificationSubscription(this, this.datastore.changes, options);
  }

  subscribePages(options?: SubscribeOptions): Subscription<readonly Notification[]> {
    return notificationPages(this, this.datastore.changes, options);
  }
}

/**
 * Tracking records in a SQLite table: how far a follower or a read model has processed each
 * upstream application's notifications.
 */
export class SqliteTrackingRecorder implements TrackingRecorder {
  /** The connection the recorder's statements run on. */
  readonly datastore: SqliteDatastore;
  /** The table of tracking records. */
  readonly trackingTable: string;
  readonly #insert: SqliteStatement<Tracking>;
  readonly #max: SqliteStatement<Pick<Tracking, "applicationName">>;
  readonly #has: SqliteStatement<Tracking>;

  constructor(datastore: SqliteDatastore, trackingTable: string) {
    this.datastore = datastore;
    this.trackingTable = trackingTable;
    this.#insert = new SqliteStatement(datastore, insertTracking(quoted(trackingTable)));
    this.#max = new SqliteStatement(datastore, maxTrackingId(quoted(trackingTable)));
    this.#has = new SqliteStatement(datastore, hasTrackingId(quoted(trackingTable)));
  }

  /** The statements that create this recorder's table. */
  createTableStatements(): string[] {
    return createTrackingTable(this.trackingTable);
  }

  /** Creates the table if it doesn't exist. */
  createTable(): void {
    this.datastore.exec(this.createTableStatements());
  }

  async insertTracking(tracking: Tracking): Promise<void> {
    return this.datastore.whenFree(() => this.datastore.write(() => this.record(tracking)));
  }

  /**
   * Inserts a tracking record in the write transaction under way (`datastore.write`), so that
   * it commits with whatever else the transaction writes, or not at all.
   *
   * @throws IntegrityError if it is recorded already.
   */
  record(tracking: Tracking): void {
    this.#insert.run(tracking);
  }

  async maxTrackingId(applicationName: string): Promise<number> {
    return this.datastore.whenFree(() =>
      this.datastore.read(() => this.readMaxTrackingId(applicationName)),
    );
  }

  /**
   * The largest notification id of `applicationName` tracked (0 when there is none), read at
   * once: in a transaction under way, it sees what the transaction wrote.
   */
  readMaxTrackingId(applicationName: string): number {
    return (this.#max.get({ applicationName }) as { max: number }).max;
  }

  async hasTrackingId(applicationName: string, notificationId: number): Promise<boolean> {
    return this.datastore.whenFree(() =>
      this.datastore.read(() => this.#has.get({ applicationName, notificationId }) !== undefined),
    );
  }

  wait(applicationName: string, notificationId: number, options?: WaitOptions): Promise<void> {
    return waitForTracking(this, applicationName, notificationId, options);
  }
}

/** Events with notification ids, and tracking records written in the same transaction. */
export class SqliteProcessRecorder
  extends withTracking(SqliteApplicationRecorder)
  implements ProcessRecorder
{
  /** The table of tracking records. */
  readonly trackingTable: string;
  readonly #tracking: SqliteTrackingRecorder;

  constructor(datastore: SqliteDatastore, eventsTable: string, trackingTable: string) {
    super(datastore, eventsTable);
    this.trackingTable = trackingTable;
    this.#tracking = new SqliteTrackingRecorder(datastore, trackingTable);
  }

  override createTableStatements(): string[] {
    return [...super.createTableStatements(), ...this.#tracking.createTableStatements()];
  }

  protected override trackingOf(options: InsertEventsOptions): Tracking | undefined {
    return insertedTracking(this.#subject, options);
  }

  protected override checkPage(page: Page): void {
    const tracked = this.#tracking.readMaxTrackingId(page.applicationName);
    if (tracked >= page.first) throw pageRefusedBy(this.#subject, page, tracked);
  }

  protected override recordTracking(tracking: Tracking): void {
    this.#tracking.record(tracking);
  }

  /** How the recorder names itself in errors. */
  get #subject(): string {
    return `The process recorder of '${this.trackingTable}'`;
  }

  protected get tracking(): TrackingRecorder {
    return this.#tracking;
  }
}
