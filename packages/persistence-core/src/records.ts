/**
 * The records a recorder stores and returns: stored events (an event serialised for storage),
 * notifications (a stored event with its position in the application's total order), and
 * tracking records (the position of a notification a downstream application has processed).
 */

/** A domain event serialised for storage. `state` is the transcoded (maybe compressed, maybe encrypted) bytes. */
export interface StoredEvent {
  readonly originatorId: string;
  readonly originatorVersion: number;
  readonly topic: string;
  readonly state: Uint8Array;
}

/** A stored event with its notification id: its position in the application's sequence. */
export interface Notification extends StoredEvent {
  readonly id: number;
}

/** The position of a processed notification in an upstream application's log. */
export interface Tracking {
  readonly applicationName: string;
  readonly notificationId: number;
}

/** Makes a frozen stored event. */
export function storedEvent(fields: StoredEvent): StoredEvent {
  return Object.freeze({
    originatorId: fields.originatorId,
    originatorVersion: fields.originatorVersion,
    topic: fields.topic,
    state: fields.state,
  });
}

/** Makes a frozen notification. */
export function notification(fields: Notification): Notification {
  return Object.freeze({
    id: fields.id,
    originatorId: fields.originatorId,
    originatorVersion: fields.originatorVersion,
    topic: fields.topic,
    state: fields.state,
  });
}

/** Makes a frozen tracking record. */
export function tracking(applicationName: string, notificationId: number): Tracking {
  return Object.freeze({ applicationName, notificationId });
}
