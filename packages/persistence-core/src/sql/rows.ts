/**
 * Rows of the tables every SQL adapter keeps, as drivers return them (columns by name), and
 * the records they hold: a row of an events table is a stored event, with its notification id
 * a notification.
 */
import type { Notification, StoredEvent } from "../records.js";

/** A row of an events table (a type, not an interface, so that a driver's rows cast to it). */
export type StoredEventRow = {
  readonly originator_id: string;
  readonly originator_version: number;
  readonly topic: string;
  readonly state: Uint8Array;
};

/** A row of an application's events table, with its notification id. */
export type NotificationRow = StoredEventRow & { readonly notification_id: number };

/** The stored event a row holds. */
export function toStoredEvent(row: StoredEventRow): StoredEvent {
  return {
    originatorId: row.originator_id,
    originatorVersion: row.originator_version,
    topic: row.topic,
    state: row.state,
  };
}

/** The notification a row holds. */
export function toNotification(row: NotificationRow): Notification {
  return {
    id: row.notification_id,
    originatorId: row.originator_id,
    originatorVersion: row.originator_version,
    topic: row.topic,
    state: row.state,
  };
}
