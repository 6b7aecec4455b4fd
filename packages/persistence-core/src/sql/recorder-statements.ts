/**
 * The statements of the recorders that are the same SQL in every dialect: selecting an
 * originator's events and the notification log, recording events one row at a time, and the
 * tracking records. Table names are given as the dialect names them in SQL (quoted, and
 * qualified where it has schemas), after `identifier` checked them; values are parameters.
 */
import type { SelectEventsOptions } from "../recorders.js";
import type { StoredEvent, Tracking } from "../records.js";
import { toBuffer } from "./bytes.js";
import { raw, type Sql, sql } from "./statement.js";
import type { TopicList } from "./topic-lists.js";

/** The columns of a stored event, in the order `StoredEventRow`s are read in raw (array) mode. */
export const EVENT_COLUMNS = "originator_id, originator_version, topic, state, hash";

/**
 * How a dialect selects an events table's `hash` column (given as it is named in the
 * statement), which must come out named `hash`: as it is, or as something its recorder converts
 * more cheaply than the driver hands over bytes (SQLite's `hex`).
 */
export type HashColumn = (column: string) => string;

/** The `hash` column as it is. */
export const STORED_HASH: HashColumn = (column) => column;

/**
 * How a select reads an events table's `state` column (given as it is named in the statement),
 * which must come out named `state`: as it is, or as the text of its bytes, for
 * `selectEventsAsText` where the driver hands over text more cheaply than bytes (SQLite's
 * `CAST(state AS TEXT)`).
 */
export type StateColumn = (column: string) => string;

/** The `state` column as it is. */
export const STORED_STATE: StateColumn = (column) => column;

/** How a dialect's select reads the columns it converts (each as it is by default). */
export interface EventColumns {
  /** The `hash` column. */
  readonly hash?: HashColumn | undefined;
  /** The `state` column. */
  readonly state?: StateColumn | undefined;
}

/**
 * The columns of a stored event as a select reads them (of the table aliased `alias`, if
 * given): `EVENT_COLUMNS`, with the hash and the state as the dialect selects them.
 */
export function selectedEventColumns(
  { hash = STORED_HASH, state = STORED_STATE }: EventColumns = {},
  alias?: string,
): string {
  const of = alias === undefined ? "" : `${alias}.`;
  return `${of}originator_id, ${of}originator_version, ${of}topic, ${state(`${of}state`)}, ${hash(`${of}hash`)}`;
}

/** What selecting an originator's events is given. */
export type SelectEventsArgs = SelectEventsOptions & { readonly originatorId: string };

/**
 * What selecting notifications is given: from `start`, below `bound` if the statement has one,
 * and of `topics` if it selects by topic.
 */
export interface SelectNotificationsArgs {
  /** The first notification id wanted. */
  readonly start: number;
  /** How many at most. */
  readonly limit: number;
  /** Only ids below this, for a statement made `bounded` (or with topics). */
  readonly bound?: number;
  /** Only these topics (not empty, each once), for a statement made with a `TopicList`. */
  readonly topics?: readonly string[];
}

/** The parameters of the statements that select notifications, each one function (so `$n` once). */
export const notificationParameters = {
  start: (a: SelectNotificationsArgs) => a.start,
  bound: (a: SelectNotificationsArgs) => a.bound,
  limit: (a: SelectNotificationsArgs) => Math.max(0, a.limit),
  topics: (a: SelectNotificationsArgs) => a.topics,
} as const;

const NOTHING = raw("");

/**
 * Selects an originator's events in version order: the statement for the options given (a
 * version range, descending, a limit), whose parameters are only those options.
 */
export function selectEvents(
  table: string,
  { gt, lte, desc = false, limit }: SelectEventsOptions,
  columns: EventColumns = {},
): Sql<SelectEventsArgs> {
  return sql<SelectEventsArgs>`SELECT ${raw(selectedEventColumns(columns))} FROM ${raw(table)} WHERE originator_id = ${(a) => a.originatorId}${
    gt === undefined ? NOTHING : sql<SelectEventsArgs>` AND originator_version > ${(a) => a.gt}`
  }${
    lte === undefined ? NOTHING : sql<SelectEventsArgs>` AND originator_version <= ${(a) => a.lte}`
  } ORDER BY originator_version ${raw(desc ? "DESC" : "ASC")}${
    limit === undefined
      ? NOTHING
      : sql<SelectEventsArgs>` LIMIT ${(a) => Math.max(0, a.limit ?? 0)}`
  }`;
}

/**
 * The statements that select an originator's events, one for each combination of options
 * given, each made on first use: `prepare` compiles it as the adapter runs it.
 */
export function selectEventsStatements<P>(
  table: string,
  prepare: (query: Sql<SelectEventsArgs>) => P,
  columns: EventColumns = {},
): (options: SelectEventsOptions) => P {
  const prepared: P[] = [];
  return (options) => {
    const { gt, lte, desc, limit } = options;
    const variant =
      (gt === undefined ? 0 : 1) |
      (lte === undefined ? 0 : 2) |
      (desc ? 4 : 0) |
      (limit === undefined ? 0 : 8);
    let statement = prepared[variant];
    if (statement === undefined) {
      statement = prepare(selectEvents(table, options, columns));
      prepared[variant] = statement;
    }
    return statement;
  };
}

/** An event's hash as a driver binds it: bytes (see `toBuffer`), or NULL when it has none. */
export const hashParameter = (event: StoredEvent): Buffer | null =>
  event.hash === undefined ? null : toBuffer(event.hash);

/**
 * Inserts one event (its notification id, if the table has one, is the table's to assign). Its
 * hash is not checked here: recorders refuse a wrong one first (`checkHashes`).
 */
export function insertEvent(table: string): Sql<StoredEvent> {
  return sql<StoredEvent>`INSERT INTO ${raw(table)} (${raw(EVENT_COLUMNS)}) VALUES (${(e) => e.originatorId}, ${(e) => e.originatorVersion}, ${(e) => e.topic}, ${(e) => toBuffer(e.state)}, ${hashParameter})`;
}

/** How a statement that selects notifications is made. */
export interface SelectNotificationsShape {
  /** Only ids below a bound given with each call. */
  readonly bounded?: boolean | undefined;
  /**
   * Only the topics given with each call, as the dialect selects them (`jsonTopics(index)`,
   * `ARRAY_TOPICS`). Such a statement is always bounded: a store with no bound of its own gives
   * the stop asked for, plus one, or `Number.MAX_SAFE_INTEGER`.
   */
  readonly topics?: TopicList | undefined;
  /** How the dialect selects the `hash` column (default: as it is). */
  readonly hash?: HashColumn | undefined;
}

/**
 * Notifications in id order from `start`, at most `limit` (none if it is negative), only below
 * a bound given with each call when `bounded`, and only of the topics given with each call when
 * made with `topics`.
 */
export function selectNotifications(
  table: string,
  { bounded = false, topics, hash }: SelectNotificationsShape = {},
): Sql<SelectNotificationsArgs> {
  const { start, bound, limit } = notificationParameters;
  if (topics) {
    return sql<SelectNotificationsArgs>`SELECT e.notification_id, ${raw(selectedEventColumns({ hash }, "e"))} FROM ${topics.rows(table)} ORDER BY e.notification_id LIMIT ${limit}`;
  }
  return sql<SelectNotificationsArgs>`SELECT notification_id, ${raw(selectedEventColumns({ hash }))} FROM ${raw(table)} WHERE notification_id >= ${start}${
    bounded ? sql<SelectNotificationsArgs>` AND notification_id < ${bound}` : NOTHING
  } ORDER BY notification_id LIMIT ${limit}`;
}

/** The largest notification id (`max`, null when there is none), below a bound when `bounded`. */
export function maxNotificationId(
  table: string,
  { bounded = false } = {},
): Sql<{ readonly bound?: number }> {
  return sql<{ readonly bound?: number }>`SELECT max(notification_id) AS max FROM ${raw(table)}${
    bounded ? sql<{ readonly bound?: number }>` WHERE notification_id < ${(a) => a.bound}` : NOTHING
  }`;
}

/** The notification id of an originator's event at a version (`notification_id`), if any. */
export function selectNotificationId(
  table: string,
): Sql<{ readonly originatorId: string; readonly version: number }> {
  return sql<{
    readonly originatorId: string;
    readonly version: number;
  }>`SELECT notification_id FROM ${raw(table)} WHERE originator_id = ${(a) => a.originatorId} AND originator_version = ${(a) => a.version}`;
}

/** Inserts a tracking record. */
export function insertTracking(table: string): Sql<Tracking> {
  return sql<Tracking>`INSERT INTO ${raw(table)} (application_name, notification_id) VALUES (${(t) => t.applicationName}, ${(t) => t.notificationId})`;
}

/** The largest notification id tracked from an upstream application (`max`, 0 when none). */
export function maxTrackingId(table: string): Sql<Pick<Tracking, "applicationName">> {
  return sql<
    Pick<Tracking, "applicationName">
  >`SELECT coalesce(max(notification_id), 0) AS max FROM ${raw(table)} WHERE application_name = ${(t) => t.applicationName}`;
}

/**
 * A row if the upstream application's notifications are tracked up to the id (a tracking record
 * at or beyond it), none if they aren't.
 */
export function hasTrackingId(table: string): Sql<Tracking> {
  return sql<Tracking>`SELECT 1 FROM ${raw(table)} WHERE application_name = ${(t) => t.applicationName} AND notification_id >= ${(t) => t.notificationId} LIMIT 1`;
}
