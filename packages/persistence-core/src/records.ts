/**
 * The records a recorder stores and returns: stored events (an event serialised for storage),
 * notifications (a stored event with its position in the application's total order), and
 * tracking records (the position of a notification a downstream application has processed).
 */

/** A domain event serialised for storage. `state` is the transcoded (maybe compressed, maybe encrypted) bytes. */
export interface StoredEvent {
  /** The id of the aggregate (or other originator) whose sequence the event is in. */
  readonly originatorId: string;
  /** The event's position in that sequence: unique per originator. */
  readonly originatorVersion: number;
  /** The topic of the event's class, which decoding resolves. */
  readonly topic: string;
  /** The event's attributes, transcoded (then compressed and encrypted, if configured). */
  readonly state: Uint8Array;
  /**
   * The event's hash, chaining it to its originator's previous event (32 bytes of SHA-256), if
   * the application hashes its events; absent for events recorded without. For a snapshot,
   * the hash of the event whose version it stands for.
   */
  readonly hash?: Uint8Array | undefined;
}

/**
 * A stored event read with its state as the UTF-8 text of its bytes (invalid sequences read as
 * U+FFFD, as `Buffer#toString` reads them), which some drivers hand over more cheaply than bytes
 * (`AggregateRecorder.selectEventsAsText`). Only states that are their transcoder's text, with
 * no compressor or cipher, are read this way (`Mapper.readsText`).
 */
export interface TextStoredEvent extends Omit<StoredEvent, "state"> {
  /** The state's bytes as text. */
  readonly state: string;
}

/** A stored event with its notification id: its position in the application's sequence. */
export interface Notification extends StoredEvent {
  /** The notification id: ids increase in commit order, from 1, perhaps with gaps. */
  readonly id: number;
}

/** The position of a processed notification in an upstream application's log. */
export interface Tracking {
  /** The name of the upstream application. */
  readonly applicationName: string;
  /** The id of its notification that was processed. */
  readonly notificationId: number;
}

/** Makes a frozen stored event. */
export function storedEvent(fields: StoredEvent): StoredEvent {
  const { originatorId, originatorVersion, topic, state, hash } = fields;
  return Object.freeze(
    hash === undefined
      ? { originatorId, originatorVersion, topic, state }
      : { originatorId, originatorVersion, topic, state, hash },
  );
}

/** Makes a frozen notification. */
export function notification(fields: Notification): Notification {
  const { id, originatorId, originatorVersion, topic, state, hash } = fields;
  return Object.freeze(
    hash === undefined
      ? { id, originatorId, originatorVersion, topic, state }
      : { id, originatorId, originatorVersion, topic, state, hash },
  );
}

/** Makes a frozen tracking record. */
export function tracking(applicationName: string, notificationId: number): Tracking {
  return Object.freeze({ applicationName, notificationId });
}
