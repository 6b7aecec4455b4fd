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
import type { Notification, StoredEvent, Tracking } from "./records.js";

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

export interface InsertEventsOptions {
  /** The upstream notification these events were made from (process recorders only). */
  readonly tracking?: Tracking | undefined;
}

export interface AggregateRecorder {
  /** Inserts the events atomically; resolves to their notification ids, if the recorder assigns any. */
  insertEvents(
    events: readonly StoredEvent[],
    options?: InsertEventsOptions,
  ): Promise<readonly number[]>;
  selectEvents(originatorId: string, options?: SelectEventsOptions): Promise<StoredEvent[]>;
}

export interface ApplicationRecorder extends AggregateRecorder {
  /** Up to `limit` notifications with ids from `start` (inclusive), in id order. Ids start at 1. */
  selectNotifications(start: number, limit: number): Promise<Notification[]>;
  /** The largest notification id recorded, 0 when there is none. */
  maxNotificationId(): Promise<number>;
}

export interface ProcessRecorder extends ApplicationRecorder {
  /** The largest notification id of `applicationName` tracked, 0 when there is none. */
  maxTrackingId(applicationName: string): Promise<number>;
  /** Whether that notification of `applicationName` has been tracked. */
  hasTrackingId(applicationName: string, notificationId: number): Promise<boolean>;
}
