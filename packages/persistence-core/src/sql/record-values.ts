/**
 * A copied record's column values, in the order both SQL adapters insert them
 * (`storedRecords().write`): events' notification id first, then the stored event's columns;
 * tracking records' application name and id. Bytes are Buffers (views of the same memory), as
 * the drivers bind them.
 */
import type { Notification, StoredEvent, Tracking } from "../records.js";
import type { RecordKind } from "../stored-records.js";

/** The record's values, in its kind's column order. */
export function recordValues(
  kind: RecordKind,
  record: Notification | StoredEvent | Tracking,
): unknown[] {
  if (kind === "tracking") {
    const { applicationName, notificationId } = record as Tracking;
    return [applicationName, notificationId];
  }
  const { originatorId, originatorVersion, topic, state, hash } = record as StoredEvent;
  const values = [originatorId, originatorVersion, topic, bytes(state), bytes(hash)];
  return kind === "events" ? [(record as Notification).id, ...values] : values;
}

const bytes = (value: Uint8Array | undefined): Buffer | null =>
  value === undefined ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
