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
  type ChangeFeed,
  checkHashes,
  DataError,
  eventSelection,
  type InsertEventsOptions,
  IntegrityError,
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
  type Tracking,
  type TrackingRecorder,
  tracking,
  type WaitOptions,
  waitForTracking,
} from "@es/persistence-core";
import {
  ARRAY_TOPICS,
  DOLLAR_NUMBERS,
  hashParameter,
  hasTrackingId,
  insertedTracking,
  insertTracking,
  maxNotificationId,
  maxTrackingId,
  type NotificationValues,
  notificationOfValues,
  pageRefusedBy,
  refuseTracking,
  type SelectEventsArgs,
  type SelectNotificationsArgs,
  type Sql,
  type Statement,
  type StoredEventValues,
  selectEventsStatements,
  selectNotificationId,
  selectNotifications,
  sql,
  storedEventOfValues,
  toBuffer,
  withTracking,
} from "@es/persistence-core/sql";
import { type Connection, type PostgresDatastore, Prepared } from "./datastore.js";
import {
  boundExpression,
  createAggregateTable,
  createApplicationTable,
  createPageTracking,
  createSchema,
  createTrackingTable,
  type EventValues,
  insertAggregate,
  insertApplication,
  insertPage,
  pageTracking,
  type Rows,
  SCHEMA_CHANGES_LOCK,
  sequenceOf,
  type TableName,
} from "./schema.js";
import { tableChanges } from "./table-changes.js";

/**
 * A recorder's statement: compiled once, named so that each connection prepares it once, its
 * values made from a call's arguments.
 */
class PostgresStatement<A> extends Prepared {
  readonly #statement: Statement<A>;

  constructor(query: Sql<A>) {
    const statement = query.compile(DOLLAR_NUMBERS);
    super(statement.text);
    this.#statement = statement;
  }

  params(args: A): unknown[] {
    return this.#statement.params(args);
  }
}

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
type Inserts<A> = Readonly<Record<Rows, PostgresStatement<A>>>;

const prepareInserts = <A>(statement: (rows: Rows) => Sql<A>): Inserts<A> => ({
  one: new PostgresStatement(statement("one")),
  many: new PostgresStatement(statement("many")),
});

/** Runs the insert for the events' number, with their values and anything else it takes. */
function insert<A>(
  datastore: PostgresDatastore,
  inserts: Inserts<EventValues & A>,
  events: readonly StoredEvent[],
  extra: A,
) {
  const statement = events.length === 1 ? inserts.one : inserts.many;
  return datastore.writeIds(statement, statement.params(Object.assign(values(events), extra)));
}

/** One event's values, refused if PostgreSQL would store them altered (its hash checked already). */
const checked = (event: StoredEvent) => ({
  originatorId: text(event.originatorId, "originator id"),
  originatorVersion: event.originatorVersion,
  topic: text(event.topic, "topic"),
  state: toBuffer(event.state),
  hash: hashParameter(event),
});

/**
 * The events' values as the insert statements take them: one event's, or five arrays. Every
 * hash is checked before any value is made (`checkHashes`).
 */
function values(events: readonly StoredEvent[]): EventValues {
  checkHashes(events);
  const [event] = events;
  if (events.length === 1 && event) return checked(event);
  const all = events.map(checked);
  return {
    originatorId: all.map((e) => e.originatorId),
    originatorVersion: all.map((e) => e.originatorVersion),
    topic: all.map((e) => e.topic),
    state: all.map((e) => e.state),
    hash: all.map((e) => e.hash),
  };
}

/** A tracking record, refused if PostgreSQL would store its application name altered. */
export const checkedTracking = (tracking: Tracking): Tracking => ({
  applicationName: text(tracking.applicationName, "application name"),
  notificationId: tracking.notificationId,
});

/** A column a recorder's statements make, in a table they make: `["\"schema\".\"table\"", "column"]`. */
type CreatedColumn = readonly [relation: string, column: string];

/** The schema and name of each relation, unquoted: names are identifiers (checked when made). */
const unquoted = (relations: readonly string[]): (string | undefined)[][] =>
  [0, 1].map((part) => relations.map((relation) => relation.split(".")[part]?.replaceAll('"', "")));

/**
 * Creates a recorder's tables if they don't exist, and the columns that tables made before
 * lack. When they all do (an application starting again) it changes nothing and locks nothing:
 * DDL locks the tables, so it would make saves in other processes wait, or deadlock with them.
 * Processes that create tables at once take turns (a transaction-level advisory lock), and each
 * looks again once it has its turn: the one before may have made them all, and be saving to
 * them already.
 */
async function createTables(
  datastore: PostgresDatastore,
  relations: readonly string[],
  statements: readonly string[],
  columns: readonly CreatedColumn[] = [],
): Promise<void> {
  const [schemas, names] = unquoted(relations);
  const [columnSchemas, columnTables] = unquoted(columns.map(([relation]) => relation));
  const columnNames = columns.map(([, column]) => column);
  // The catalog read as the statement sees it, not by name lookups: those are cached by the
  // session, and a transaction that waited for its turn may still have missed a table made
  // meanwhile.
  const present = async (on: Pick<Connection, "query">): Promise<boolean> => {
    const [row] = await on.query(
      `SELECT (SELECT count(*) FROM pg_class AS c
          JOIN pg_namespace AS n ON n.oid = c.relnamespace
          WHERE (n.nspname, c.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        ) AS relations,
        (SELECT count(*) FROM pg_attribute AS a
          JOIN pg_class AS c ON c.oid = a.attrelid
          JOIN pg_namespace AS n ON n.oid = c.relnamespace
          WHERE (n.nspname, c.relname, a.attname)
            IN (SELECT * FROM unnest($3::text[], $4::text[], $5::text[]))
            AND a.attnum > 0 AND NOT a.attisdropped
        ) AS columns`,
      [schemas, names, columnSchemas, columnTables, columnNames],
    );
    return Number(row?.relations) === relations.length && Number(row?.columns) === columns.length;
  };
  if (await present(datastore)) return;
  await datastore.transaction(async (connection) => {
    await connection.query(`SELECT pg_advisory_xact_lock(${SCHEMA_CHANGES_LOCK})`);
    if (await present(connection)) return;
    await connection.query(statements.join(";\n"));
  });
}

/** Sequences of events in a PostgreSQL table, without notification ids: snapshots. */
export class PostgresAggregateRecorder implements AggregateRecorder {
  /** The pool the recorder's statements run on. */
  readonly datastore: PostgresDatastore;
  /** The table of events. */
  readonly eventsTable: TableName;
  readonly #inserts: Inserts<EventValues>;
  readonly #select: (options: SelectEventsOptions) => PostgresStatement<SelectEventsArgs>;

  constructor(datastore: PostgresDatastore, eventsTable: TableName) {
    this.datastore = datastore;
    this.eventsTable = eventsTable;
    this.#inserts = prepareInserts((rows) => insertAggregate(eventsTable, rows));
    this.#select = selectEventsStatements(
      eventsTable.qualified,
      (query) => new PostgresStatement(query),
    );
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
   * The columns the statements add to tables made before them, each with its table (qualified
   * and quoted): the events table's `hash`.
   */
  createdColumns(): CreatedColumn[] {
    return [[this.eventsTable.qualified, "hash"]];
  }

  /**
   * Creates the tables if they don't exist, and adds the `hash` column to an events table made
   * before events had hashes, locking nothing when all of them exist.
   */
  createTable(): Promise<void> {
    return createTables(
      this.datastore,
      this.createdRelations(),
      this.createTableStatements(),
      this.createdColumns(),
    );
  }

  /** Inserts the events (in one statement: all or none). Snapshots have no notification ids. */
  async insertEvents(
    events: readonly StoredEvent[],
    options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    refuseTracking(this, options);
    if (events.length > 0) await insert(this.datastore, this.#inserts, events, {});
    return [];
  }

  async selectEvents(
    originatorId: string,
    options: SelectEventsOptions = {},
  ): Promise<StoredEvent[]> {
    // Checked here, as every recorder checks them, rather than by the driver (or not at all).
    const selection = eventSelection(options);
    const select = this.#select(selection);
    const rows = await this.datastore.queryArrays(
      select,
      select.params({ originatorId, ...selection }),
    );
    return (rows as unknown as StoredEventValues[]).map(storedEventOfValues);
  }
}

/**
 * Events with notification ids in a PostgreSQL table. Writers never wait for each other's
 * commits, and a reader never misses a notification: it reads only below a bound no
 * transaction in flight can commit an id under (see docs/postgres.md).
 */
export class PostgresApplicationRecorder
  extends PostgresAggregateRecorder
  implements ApplicationRecorder
{
  /**
   * A bound measured earlier: no id below it can be committed later, now or in any statement
   * that starts after it was measured (see `boundExpression`).
   */
  #bound = 0;
  readonly #inserts: Inserts<EventValues>;
  readonly #measure: Prepared;
  readonly #select: PostgresStatement<SelectNotificationsArgs>;
  readonly #selectTopics: PostgresStatement<SelectNotificationsArgs>;
  readonly #max: PostgresStatement<{ readonly bound?: number }>;
  readonly #notificationId: PostgresStatement<{
    readonly originatorId: string;
    readonly version: number;
  }>;
  /**
   * What this recorder's subscriptions wait for: the datastore's commits (this process), and
   * NOTIFYs of other processes' writers, by LISTEN.
   */
  readonly changes: ChangeFeed;

  constructor(datastore: PostgresDatastore, eventsTable: TableName) {
    super(datastore, eventsTable);
    this.changes = tableChanges(datastore, eventsTable);
    this.#inserts = prepareInserts((rows) => insertApplication(eventsTable, rows));
    this.#measure = new Prepared(`SELECT ${boundExpression(eventsTable)} AS bound`);
    const bounded = { bounded: true };
    this.#select = new PostgresStatement(selectNotifications(eventsTable.qualified, bounded));
    this.#selectTopics = new PostgresStatement(
      selectNotifications(eventsTable.qualified, { topics: ARRAY_TOPICS }),
    );
    this.#max = new PostgresStatement(maxNotificationId(eventsTable.qualified, bounded));
    this.#notificationId = new PostgresStatement(selectNotificationId(eventsTable.qualified));
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
      // A table made before selecting by topic lacks this index, so it is created then (under
      // the schema changes lock, and holding off saves while it is built; see docs/postgres.md).
      `"${schema}".${this.eventsTable.derived("topic_idx")}`,
    ];
  }

  /** Inserts the events in one statement, resolving to their notification ids, in order. */
  override async insertEvents(
    events: readonly StoredEvent[],
    options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    refuseTracking(this, options);
    if (events.length === 0) return [];
    return insert(this.datastore, this.#inserts, events, {});
  }

  /**
   * Up to `limit` notifications from `start`, below the bound, and only up to `options.stop`
   * and of `options.topics` if given. A page that the last bound measured already covers is one
   * statement; one that reaches past it (a reader at the end of the log) measures a new bound
   * first, so a read that starts after a save has returned sees that save.
   *
   * Filters can't make a reader miss a notification: they take rows out of what a statement
   * returns, never change which ids it sees, and every row returned is below a bound measured
   * before its statement began. A reader goes on after the last id returned, however few rows
   * matched, and every id below that is committed or never will be. The one position taken
   * here other than a returned id is the old bound, after a statement below it came back short:
   * begun after the bound was measured, it saw every id below the bound that will ever exist.
   * A stop is a bound of its own: below the last bound measured, none is measured again.
   */
  async selectNotifications(
    start: number,
    limit: number,
    options?: SelectNotificationsOptions,
  ): Promise<Notification[]> {
    const selection = notificationSelection(start, limit, options);
    const { start: from, limit: most, end = Number.POSITIVE_INFINITY, topics } = selection;
    // No topic stored has a lone surrogate (inserts refuse it), and pg would send it altered.
    const listed = topics?.filter(isWellFormed);
    if (most === 0 || from >= end || listed?.length === 0) return [];
    let bound = this.#bound;
    let rows =
      from < Math.min(bound, end)
        ? await this.#selectBelow(from, Math.min(bound, end), most, listed)
        : [];
    if (rows.length < most && bound < end) {
      // Every id from `from` below the old bound is read (if it matched): go on from there.
      const next = Math.max(from, bound);
      bound = await this.#measureBound();
      const below = Math.min(bound, end);
      if (next < below) {
        rows = rows.concat(await this.#selectBelow(next, below, most - rows.length, listed));
      }
    }
    return rows.map(notificationOfValues);
  }

  async #selectBelow(
    start: number,
    bound: number,
    limit: number,
    topics: readonly string[] | undefined,
  ): Promise<NotificationValues[]> {
    const select = topics ? this.#selectTopics : this.#select;
    const args = { start, bound, limit, ...(topics && { topics }) };
    return (await this.datastore.queryArrays(
      select,
      select.params(args),
    )) as unknown as NotificationValues[];
  }

  /** The largest notification id below a bound measured now (every id up to it can be read). */
  async maxNotificationId(): Promise<number> {
    const bound = await this.#measureBound();
    const [[max] = []] = await this.datastore.queryArrays(this.#max, this.#max.params({ bound }));
    return (max as number | null | undefined) ?? 0;
  }

  async notificationIdOf(originatorId: string, version: number): Promise<number | undefined> {
    const statement = this.#notificationId;
    const [[id] = []] = await this.datastore.queryArrays(
      statement,
      statement.params({ originatorId, version }),
    );
    return id as number | undefined;
  }

  /**
   * Woken by the datastore's commits at once, by other processes' writes when they NOTIFY (see
   * `notifySubscribers`), and else by its poll. The no-miss bound makes what it reads right
   * whenever it reads: a commit out of id order is yielded once the ids below it are.
   */
  subscribe(options?: SubscribeOptions): Subscription<Notification> {
    return notificationSubscription(this, this.changes, options);
  }

  subscribePages(options?: SubscribeOptions): Subscription<readonly Notification[]> {
    return notificationPages(this, this.changes, options);
  }

  /** Measures the bound, for this statement's successors. */
  async #measureBound(): Promise<number> {
    const [[bound] = []] = await this.datastore.queryArrays(this.#measure, []);
    this.#bound = bound as number;
    return this.#bound;
  }
}

/**
 * Tracking records in a PostgreSQL table: how far a follower or a read model has processed each
 * upstream application's notifications.
 */
export class PostgresTrackingRecorder implements TrackingRecorder {
  /** The pool the recorder's statements run on. */
  readonly datastore: PostgresDatastore;
  /** The table of tracking records. */
  readonly trackingTable: TableName;
  readonly #insert: PostgresStatement<Tracking>;
  readonly #max: PostgresStatement<Pick<Tracking, "applicationName">>;
  readonly #has: PostgresStatement<Tracking>;

  constructor(datastore: PostgresDatastore, trackingTable: TableName) {
    this.datastore = datastore;
    this.trackingTable = trackingTable;
    this.#insert = new PostgresStatement(insertTracking(trackingTable.qualified));
    this.#max = new PostgresStatement(maxTrackingId(trackingTable.qualified));
    this.#has = new PostgresStatement(hasTrackingId(trackingTable.qualified));
  }

  /** The statements that create this recorder's table (and its schema). */
  createTableStatements(): string[] {
    return [createSchema(this.trackingTable.schema), ...createTrackingTable(this.trackingTable)];
  }

  /** The relations the statements make, qualified and quoted. */
  createdRelations(): string[] {
    return [this.trackingTable.qualified];
  }

  /** Creates the table if it doesn't exist, locking nothing when it does. */
  createTable(): Promise<void> {
    return createTables(this.datastore, this.createdRelations(), this.createTableStatements());
  }

  async insertTracking(tracking: Tracking): Promise<void> {
    const insert = this.#insert;
    await this.datastore.write(insert, insert.params(checkedTracking(tracking)));
  }

  async maxTrackingId(applicationName: string): Promise<number> {
    const [[max] = []] = await this.datastore.queryArrays(
      this.#max,
      this.#max.params({ applicationName }),
    );
    return (max as number | null | undefined) ?? 0;
  }

  async hasTrackingId(applicationName: string, notificationId: number): Promise<boolean> {
    const has = this.#has;
    const rows = await this.datastore.queryArrays(
      has,
      has.params({ applicationName, notificationId }),
    );
    return rows.length > 0;
  }

  wait(applicationName: string, notificationId: number, options?: WaitOptions): Promise<void> {
    return waitForTracking(this, applicationName, notificationId, options);
  }
}

/**
 * Events with notification ids, and tracking records written in the same statement. A page's
 * tracking record says which position it follows, and the tracking table's unique index on
 * that refuses the second of two pages that follow the same one (see `pageTracking`).
 */
export class PostgresProcessRecorder
  extends withTracking(PostgresApplicationRecorder)
  implements ProcessRecorder
{
  /** The table of tracking records. */
  readonly trackingTable: TableName;
  readonly #tracking: PostgresTrackingRecorder;
  readonly #insertsWithTracking: Inserts<EventValues & Tracking>;
  readonly #insertsOfPage: Inserts<EventValues & Page>;
  readonly #insertPage: PostgresStatement<Page>;
  /** The names of the tracking table's unique constraints: a violation of one refuses a page. */
  readonly #pageConstraints: ReadonlySet<string>;

  constructor(datastore: PostgresDatastore, eventsTable: TableName, trackingTable: TableName) {
    super(datastore, eventsTable);
    this.trackingTable = trackingTable;
    this.#tracking = new PostgresTrackingRecorder(datastore, trackingTable);
    const tracking = insertTracking(trackingTable.qualified);
    this.#insertsWithTracking = prepareInserts((rows) =>
      insertApplication(eventsTable, rows, sql`tracked AS (${tracking})`),
    );
    this.#insertsOfPage = prepareInserts((rows) =>
      insertApplication(eventsTable, rows, pageTracking(trackingTable), "tracked"),
    );
    this.#insertPage = new PostgresStatement(insertPage(trackingTable));
    // The names as the server reports them: unquoted.
    this.#pageConstraints = new Set(
      ["pkey", "previous_id_idx"].map((suffix) => trackingTable.derived(suffix).slice(1, -1)),
    );
  }

  override createTableStatements(): string[] {
    return [
      ...super.createTableStatements(),
      ...createTrackingTable(this.trackingTable),
      ...createPageTracking(this.trackingTable),
    ];
  }

  override createdRelations(): string[] {
    // A tracking table made before pages lacks the index (and the column): it gets them then.
    const index = `"${this.trackingTable.schema}".${this.trackingTable.derived("previous_id_idx")}`;
    return [...super.createdRelations(), ...this.#tracking.createdRelations(), index];
  }

  /**
   * Inserts the events and the tracking record (or the page's) in one statement: both or
   * neither. A page is refused, with `IntegrityError`, if a notification of its application at
   * or after its first is tracked, or another page that follows the same position commits first.
   */
  override async insertEvents(
    events: readonly StoredEvent[],
    options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    const tracking = insertedTracking(this.#subject, options);
    if (options.page) return this.#insertOfPage(events, options.page);
    if (!tracking) return super.insertEvents(events);
    if (events.length === 0) {
      await this.#tracking.insertTracking(tracking);
      return [];
    }
    const tracked = checkedTracking(tracking);
    return insert(this.datastore, this.#insertsWithTracking, events, tracked);
  }

  async #insertOfPage(events: readonly StoredEvent[], page: Page): Promise<readonly number[]> {
    const { applicationName, first, last } = page;
    const values = { first, last, ...checkedTracking(tracking(applicationName, last)) };
    try {
      if (events.length > 0)
        return await insert(this.datastore, this.#insertsOfPage, events, values);
      await this.datastore.write(this.#insertPage, this.#insertPage.params(values));
      return [];
    } catch (error) {
      if (!(error instanceof IntegrityError) || !this.#refusesPage(error)) throw error;
      const tracked = await this.#tracking.maxTrackingId(applicationName);
      throw pageRefusedBy(this.#subject, page, tracked);
    }
  }

  /** Whether the error is a violation of one of the tracking table's unique constraints. */
  #refusesPage(error: IntegrityError): boolean {
    const constraint = (error.cause as { constraint?: unknown } | undefined)?.constraint;
    return typeof constraint === "string" && this.#pageConstraints.has(constraint);
  }

  /** How the recorder names itself in errors. */
  get #subject(): string {
    return `The process recorder of '${this.trackingTable.name}'`;
  }

  protected get tracking(): TrackingRecorder {
    return this.#tracking;
  }
}
