/**
 * A store's records as they are stored, kind by kind, in a fixed order: what copying a whole
 * store to another takes (`es copy`), and what lets a copy that stopped go on from where it got
 * to. Events keep their notification ids; every record keeps its bytes.
 */
import type { Notification, StoredEvent, Tracking } from "./records.js";

/** The kinds of records a store keeps for an application, in the order a copy takes them. */
export const RECORD_KINDS = ["events", "snapshots", "checkpoints", "tracking"] as const;

/**
 * A kind of records: the application's events (with their notification ids), its snapshots,
 * its log's checkpoints, and its tracking records (a follower's).
 */
export type RecordKind = (typeof RECORD_KINDS)[number];

/**
 * A record's place in its kind's order: `[notificationId]` for events, `[originatorId, version]`
 * for snapshots and checkpoints, `[applicationName, notificationId]` for tracking records. Text
 * is ordered by its UTF-8 bytes, in every store alike.
 */
export type RecordKey = readonly [number] | readonly [string, number];

/** The records of each kind: notifications, stored events, tracking records. */
export interface RecordsOf {
  /** An event, with its notification id. */
  readonly events: Notification;
  /** A snapshot: a stored event of the snapshots' table. */
  readonly snapshots: StoredEvent;
  /** A checkpoint: a stored event of the checkpoints' table. */
  readonly checkpoints: StoredEvent;
  /** A tracking record. */
  readonly tracking: Tracking;
}

/** A store's records as stored, for copying the store (see `InfrastructureFactory.storedRecords`). */
export interface StoredRecords {
  /** The kinds the store has a table of (whether or not it holds records). */
  kinds(): Promise<RecordKind[]>;
  /** How many records of the kind the store holds. */
  count(kind: RecordKind): Promise<number>;
  /** The key of the kind's last record, in key order; undefined if it holds none. */
  lastKey(kind: RecordKind): Promise<RecordKey | undefined>;
  /** Up to `limit` records of the kind, in key order, after `after` (from the first if undefined). */
  read<K extends RecordKind>(
    kind: K,
    after: RecordKey | undefined,
    limit: number,
  ): Promise<readonly RecordsOf[K][]>;
  /**
   * Writes records read from another store, as they were stored (events with their notification
   * ids, which later events then follow), in one transaction: all or none. The store should have
   * no writers meanwhile.
   *
   * @throws IntegrityError if one of them is stored already (nothing is written).
   */
  write<K extends RecordKind>(kind: K, records: readonly RecordsOf[K][]): Promise<void>;
}

/** The key of a record of the kind. */
export function keyOf<K extends RecordKind>(kind: K, record: RecordsOf[K]): RecordKey {
  if (kind === "events") return [(record as Notification).id];
  if (kind === "tracking") {
    const { applicationName, notificationId } = record as Tracking;
    return [applicationName, notificationId];
  }
  const { originatorId, originatorVersion } = record as StoredEvent;
  return [originatorId, originatorVersion];
}
