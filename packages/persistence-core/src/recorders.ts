/**
 * Recorder interfaces. An aggregate recorder stores sequences of events per
 * originator; an application recorder also gives every event a notification id, a total order
 * across the application; a process recorder also records, atomically with new events, the
 * position of the upstream notification that caused them (tracking), for exactly-once processing.
 *
 * Every method is async. Inserts are atomic: if any event conflicts with a recorded one (same
 * originator id and version) or with another in the batch, `IntegrityError` is raised and
 * nothing is stored.
 */
import type { SubscribeOptions } from "./notification-subscription.js";
import type { Page } from "./page.js";
import type { Notification, StoredEvent, TextStoredEvent, Tracking } from "./records.js";
import type { Subscription } from "./subscription.js";

/** Which events of a sequence to select. */
export interface SelectEventsOptions {
  /** Only versions greater than this. */
  readonly gt?: number | undefined;
  /** Only versions less than or equal to this. */
  readonly lte?: number | undefined;
  /** Newest first. */
  readonly desc?: boolean | undefined;
  /** At most this many. */
  readonly limit?: number | undefined;
}

/**
 * Which notifications to select, beyond a start and a limit (the Python original's `stop` and
 * `topics`). The limit counts only the notifications selected, and ids stay the positions in
 * the whole log, so a reader that skips most of it still knows exactly where it is.
 */
export interface SelectNotificationsOptions {
  /** Only ids up to and including this one (an integer; below `start`, nothing is selected). */
  readonly stop?: number | undefined;
  /** Only notifications whose topic is one of these; empty or absent, all of them. */
  readonly topics?: readonly string[] | undefined;
}

/** What else an insert records with the events. */
export interface InsertEventsOptions {
  /** The upstream notification these events were made from (process recorders only). */
  readonly tracking?: Tracking | undefined;
  /**
   * The page of upstream notifications these events were made from (process recorders only;
   * not with `tracking`): the insert records the tracking record of its last notification, and
   * is refused with `IntegrityError`, storing nothing, if a notification of the page's
   * application at or after its first is tracked already. How a follower processes a page of
   * notifications in one transaction, exactly once, even when two runners race with pages of
   * different boundaries.
   */
  readonly page?: Page | undefined;
}

/**
 * Stores sequences of events, one per originator (aggregate): what snapshots are kept in, and
 * the base of the other recorders. Implemented in memory by `@es/persistence-core`, and by
 * `@es/sqlite` and `@es/postgres`; the conformance kit (`@es/persistence-core/testing`) checks
 * any implementation.
 */
export interface AggregateRecorder {
  /**
   * Inserts the events atomically; resolves to their notification ids, if the recorder
   * assigns any.
   *
   * @throws IntegrityError if an event's originator id and version are recorded already (or
   *   repeated in the batch): nothing is stored.
   * @throws OperationalError if the store can't be reached, or a lock wasn't had in time.
   */
  insertEvents(
    events: readonly StoredEvent[],
    options?: InsertEventsOptions,
  ): Promise<readonly number[]>;
  /** The events of one originator, by version: ascending unless `desc`, at most `limit`. */
  selectEvents(originatorId: string, options?: SelectEventsOptions): Promise<StoredEvent[]>;
  /**
   * Optional: as `selectEvents`, each state given as the UTF-8 text of its bytes, for a recorder
   * whose driver hands over text more cheaply than bytes (SQLite's). An event store reads
   * through it when its mapper's states are text (`Mapper.readsText`) and it has no hash chain
   * to check, which needs the bytes. The conformance kit checks it (`describeStatesAsText`).
   */
  selectEventsAsText?(
    originatorId: string,
    options?: SelectEventsOptions,
  ): Promise<TextStoredEvent[]>;
}

/**
 * An aggregate recorder that also gives every event a notification id: the application's total
 * order, in which ids increase in commit order, so a reader that has read up to id N never
 * finds a new notification at or below N.
 */
export interface ApplicationRecorder extends AggregateRecorder {
  /**
   * Up to `limit` notifications with ids from `start` (inclusive), in id order. Ids start at 1.
   * `options.stop` selects only ids up to it (inclusive), `options.topics` only the notifications
   * of those topics; the store does the filtering, and the limit counts only what it selects.
   *
   * @throws TypeError if `options.topics` is not an array of strings, or `options.stop` not a number.
   * @throws RangeError if `options.stop` is not an integer.
   */
  selectNotifications(
    start: number,
    limit: number,
    options?: SelectNotificationsOptions,
  ): Promise<Notification[]>;
  /** The largest notification id recorded, 0 when there is none. */
  maxNotificationId(): Promise<number>;
  /**
   * The notification id of an originator's event at a version, if it is recorded: for errors
   * that name the notification of an event read by originator (an integrity violation).
   * Optional, so that adapters made before it still fit.
   */
  notificationIdOf?(originatorId: string, version: number): Promise<number | undefined>;
  /**
   * A live subscription to the notifications after `options.after` (only those of
   * `options.topics`, if given): it yields what is recorded, in id order, then waits for more
   * and yields each as it is recorded — each once, none missed — until it is ended (`break`,
   * `return()`, `options.signal`). `notificationSubscription` makes one, given the store's
   * change feed.
   *
   * @throws TypeError, RangeError (at once) naming an option that is bad.
   */
  subscribe(options?: SubscribeOptions): Subscription<Notification>;
  /**
   * The same subscription a read at a time: each value is the notifications one read found (at
   * most `options.pageSize`, in id order). A projection processes each in one transaction. A
   * page shorter than `pageSize` says the subscription has caught up: a read that finds nothing
   * after a full page gives an empty one. `notificationPages` makes one, given the store's
   * change feed.
   *
   * @throws TypeError, RangeError (at once) naming an option that is bad.
   */
  subscribePages(options?: SubscribeOptions): Subscription<readonly Notification[]>;
}

/** How long `wait` waits, and what ends it early. */
export interface WaitOptions {
  /** Milliseconds to wait before `TrackingTimeoutError` (default 1000). */
  readonly timeoutMs?: number | undefined;
  /** Ends the wait early: it rejects with an `AbortError` (its `cause` the signal's reason). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Records which notifications of upstream applications have been processed: what a follower
 * or a projection resumes from, and what lets it process each notification exactly once. A
 * tracking record says that the named application's notifications up to its id are processed.
 */
export interface TrackingRecorder {
  /**
   * Records a tracking record (on its own; a process recorder also records one with events).
   *
   * @throws IntegrityError if it is recorded already: nothing changes.
   */
  insertTracking(tracking: Tracking): Promise<void>;
  /** The largest notification id of `applicationName` tracked, 0 when there is none. */
  maxTrackingId(applicationName: string): Promise<number>;
  /** Whether `applicationName`'s notifications are tracked up to `notificationId` (or beyond). */
  hasTrackingId(applicationName: string, notificationId: number): Promise<boolean>;
  /**
   * Resolves once `applicationName`'s notifications are tracked up to `notificationId`: how a
   * command waits until what it saved is processed (a read model shows it).
   *
   * @throws TrackingTimeoutError if that takes longer than the timeout.
   */
  wait(applicationName: string, notificationId: number, options?: WaitOptions): Promise<void>;
}

/**
 * An application recorder that also records tracking: with new events, in the same transaction,
 * the upstream notification they were made from (`{ tracking }`), or the last of the page of
 * notifications they were made from (`{ page }`), so each is processed exactly once.
 *
 * @example
 * ```ts
 * // Notifications 4 to 9 of Worlds made these events: refused if any of them is tracked.
 * await recorder.insertEvents(events, { page: { applicationName: "Worlds", first: 4, last: 9 } });
 * await recorder.maxTrackingId("Worlds"); // 9
 * ```
 */
export interface ProcessRecorder extends ApplicationRecorder, TrackingRecorder {}
