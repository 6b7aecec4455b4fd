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
  /**
   * The event's hash as the driver gives it: bytes, or NULL for an event recorded without one.
   * A column altered by hand may give anything (see `columnHash`).
   */
  readonly hash?: unknown;
};

/** A row of an application's events table, with its notification id. */
export type NotificationRow = StoredEventRow & { readonly notification_id: number };

const encoder = new TextEncoder();

/**
 * The hash a row's `hash` column holds: none for NULL, the bytes as they are for bytes (of any
 * length: hash verification reports a wrong one), and for anything else — text or a number
 * where a table was altered by hand — the UTF-8 bytes of its text. Such a value is converted,
 * not dropped: an event whose hash was replaced must not read as one recorded without a hash,
 * which verification would pass over; and converting the same value always gives the same
 * bytes.
 */
export function columnHash(value: unknown): Uint8Array | undefined {
  if (value === null || value === undefined) return undefined;
  return value instanceof Uint8Array ? value : encoder.encode(String(value));
}

/** The stored event a row holds (without a `hash` key when its hash is NULL). */
export function toStoredEvent(row: StoredEventRow): StoredEvent {
  const hash = columnHash(row.hash);
  const { originator_id: originatorId, originator_version: originatorVersion } = row;
  const { topic, state } = row;
  return hash === undefined
    ? { originatorId, originatorVersion, topic, state }
    : { originatorId, originatorVersion, topic, state, hash };
}

/** The notification a row holds (without a `hash` key when its hash is NULL). */
export function toNotification(row: NotificationRow): Notification {
  const hash = columnHash(row.hash);
  const { notification_id: id, originator_id: originatorId } = row;
  const { originator_version: originatorVersion, topic, state } = row;
  return hash === undefined
    ? { id, originatorId, originatorVersion, topic, state }
    : { id, originatorId, originatorVersion, topic, state, hash };
}

/**
 * A row of an events table read as an array (raw mode): the values of `EVENT_COLUMNS`, in
 * order, the hash as the dialect selects it.
 */
export type StoredEventValues = readonly [
  originatorId: string,
  originatorVersion: number,
  topic: string,
  state: Uint8Array,
  hash: unknown,
];

/** A row of an application's events table read as an array: its notification id, then as `StoredEventValues`. */
export type NotificationValues = readonly [id: number, ...StoredEventValues];

/** How a row's hash column, as the dialect selects it, becomes a hash (none for NULL). */
export type HashReader = (selected: unknown) => Uint8Array | undefined;

/**
 * How rows read as arrays become stored events and notifications (each without a `hash` key
 * when its hash is NULL, as `toStoredEvent` and `toNotification` make them), their hashes read
 * by `readHash`.
 */
export function valuesReader(readHash: HashReader = columnHash): {
  readonly storedEvent: (values: StoredEventValues) => StoredEvent;
  readonly notification: (values: NotificationValues) => Notification;
} {
  return {
    storedEvent: ([originatorId, originatorVersion, topic, state, selected]) => {
      const hash = readHash(selected);
      return hash === undefined
        ? { originatorId, originatorVersion, topic, state }
        : { originatorId, originatorVersion, topic, state, hash };
    },
    notification: ([id, originatorId, originatorVersion, topic, state, selected]) => {
      const hash = readHash(selected);
      return hash === undefined
        ? { id, originatorId, originatorVersion, topic, state }
        : { id, originatorId, originatorVersion, topic, state, hash };
    },
  };
}

const asTheDriverGivesThem = valuesReader();

/** The stored event a row read as an array holds, its hash read by `columnHash`. */
export const storedEventOfValues = asTheDriverGivesThem.storedEvent;

/** The notification a row read as an array holds, its hash read by `columnHash`. */
export const notificationOfValues = asTheDriverGivesThem.notification;
