/**
 * What the SQL adapters share in giving an application's records as stored
 * (`storedRecords()`): the statements that read a kind's records a page at a time in key order
 * and its last key, and a copied record's column values in the order both insert them.
 */
import type { Notification, StoredEvent, Tracking } from "../records.js";
import type { RecordKind } from "../stored-records.js";
import { toBuffer } from "./bytes.js";
import { hashParameter } from "./recorder-statements.js";

/**
 * The statement reading up to a limit of a table's rows in key order: from the first, or after
 * a key. Its parameters are the key's values (if `after`), then the limit, each written by
 * `placeholder` (given its position from 1: `?` or `$1`).
 *
 * @param columns - the columns selected, as the dialect selects them.
 * @param key - the key's columns, as ordered and compared (`originator_id COLLATE "C"`).
 */
export function selectRecordsPage(
  table: string,
  columns: string,
  key: readonly string[],
  after: boolean,
  placeholder: (position: number) => string,
): string {
  const keyValues = key.map((_, i) => placeholder(i + 1));
  const where = after ? `WHERE (${key.join(", ")}) > (${keyValues.join(", ")})` : "";
  const limit = placeholder(after ? key.length + 1 : 1);
  return `SELECT ${columns} FROM ${table} ${where} ORDER BY ${key.join(", ")} LIMIT ${limit}`;
}

/** The statement reading the key of a table's last row in key order, its columns `k0`, `k1`. */
export function selectLastKey(table: string, key: readonly string[]): string {
  const selected = key.map((column, i) => `${column} AS k${i}`).join(", ");
  const descending = key.map((column) => `${column} DESC`).join(", ");
  return `SELECT ${selected} FROM ${table} ORDER BY ${descending} LIMIT 1`;
}

/**
 * A copied record's column values, in the order both adapters insert them: events' notification
 * id first, then the stored event's columns; tracking records' application name and id. Bytes
 * are Buffers (views of the same memory), as the drivers bind them.
 */
export function recordValues(
  kind: RecordKind,
  record: Notification | StoredEvent | Tracking,
): unknown[] {
  if (kind === "tracking") {
    const { applicationName, notificationId } = record as Tracking;
    return [applicationName, notificationId];
  }
  const event = record as StoredEvent;
  const { originatorId, originatorVersion, topic, state } = event;
  const values = [originatorId, originatorVersion, topic, toBuffer(state), hashParameter(event)];
  return kind === "events" ? [(record as Notification).id, ...values] : values;
}
