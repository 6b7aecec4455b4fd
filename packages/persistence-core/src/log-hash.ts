/**
 * The running hash of an application's notification log, in id order: what a checkpoint
 * signs. Each checkpoint's hash covers the one before it and every notification after it (its
 * id and its event's hash), so a notification inserted, deleted, changed or moved anywhere up
 * to a checkpoint changes that checkpoint's hash; this is what catches what an aggregate's own
 * chain can't (its last events deleted, a whole aggregate deleted, the log truncated).
 */
import { createHash, type Hash } from "node:crypto";
import { HASH_LENGTH } from "./hash-checks.js";
import type { Notification } from "./records.js";

const LOG_TAG = "es log v1";
const UNHASHED_TAG = "es unhashed event v1";
const NO_HASH = new Uint8Array(0);
/** An entry of the log's hash: a notification id (8 bytes) and its event's hash. */
const ENTRY_LENGTH = 8 + HASH_LENGTH;

/** Where the running hash of a log stands: after `count` notifications, the last `notificationId`. */
export interface LogPosition {
  /** The hash of the log up to and including `notificationId`. */
  readonly logHash: Uint8Array;
  /** The notifications hashed, from the start of the log. */
  readonly count: number;
  /** The last notification hashed (0 before any). */
  readonly notificationId: number;
}

/** The position before the first notification. */
export const LOG_START: LogPosition = Object.freeze({
  logHash: new Uint8Array(HASH_LENGTH),
  count: 0,
  notificationId: 0,
});

function lengthPrefixed(hash: Hash, bytes: Uint8Array): void {
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeUInt32BE(bytes.byteLength);
  hash.update(prefix);
  hash.update(bytes);
}

/**
 * What a notification adds to the log's hash: its event's hash, which covers its contents,
 * or, for an event without one (recorded before hashing was on), a digest of its contents.
 */
function entryOf(notification: Notification): Uint8Array {
  const { hash } = notification;
  if (hash instanceof Uint8Array && hash.byteLength === HASH_LENGTH) return hash;
  const digest = createHash("sha256");
  lengthPrefixed(digest, Buffer.from(UNHASHED_TAG, "utf8"));
  lengthPrefixed(digest, Buffer.from(notification.originatorId, "utf8"));
  const version = Buffer.allocUnsafe(8);
  version.writeBigUInt64BE(BigInt(notification.originatorVersion));
  digest.update(version);
  lengthPrefixed(digest, Buffer.from(notification.topic, "utf8"));
  lengthPrefixed(digest, notification.state);
  lengthPrefixed(digest, hash instanceof Uint8Array ? hash : NO_HASH);
  return digest.digest();
}

/**
 * Hashes a log's notifications in id order, from a position (a checkpoint's, or the start):
 * `add` each, then `position()` for the hash up to the last added, which the next ones extend.
 *
 * @example
 * ```ts
 * const hasher = new LogHasher("Worlds");
 * for (const notification of await recorder.selectNotifications(1, 1000)) hasher.add(notification);
 * const { logHash, count, notificationId } = hasher.position();
 * ```
 */
export class LogHasher {
  readonly #applicationName: string;
  #position: LogPosition;
  #block: Hash;
  #count: number;
  #last: number;
  /** Entries (an id, then its event's hash) not yet given to the hash. */
  readonly #entries = Buffer.allocUnsafe(ENTRY_LENGTH * 1024);
  #filled = 0;

  constructor(applicationName: string, from: LogPosition = LOG_START) {
    this.#applicationName = applicationName;
    this.#position = from;
    this.#block = this.#open(from);
    this.#count = from.count;
    this.#last = from.notificationId;
  }

  /** Adds the next notification (its id must be above the last one added). */
  add(notification: Notification): void {
    // Entries are gathered and hashed a batch at a time: one call per event costs more than
    // the hashing.
    if (this.#filled === this.#entries.length) this.#flush();
    const { id } = notification;
    this.#entries.writeUInt32BE(Math.floor(id / 2 ** 32), this.#filled);
    this.#entries.writeUInt32BE(id >>> 0, this.#filled + 4);
    this.#entries.set(entryOf(notification), this.#filled + 8);
    this.#filled += ENTRY_LENGTH;
    this.#count += 1;
    this.#last = id;
  }

  /** The hash of the log up to the last notification added; the next ones extend it. */
  position(): LogPosition {
    // Nothing added since the last position: it stands.
    if (this.#count === this.#position.count) return this.#position;
    this.#flush();
    this.#position = Object.freeze({
      logHash: this.#block.digest(),
      count: this.#count,
      notificationId: this.#last,
    });
    this.#block = this.#open(this.#position);
    return this.#position;
  }

  #flush(): void {
    if (this.#filled === 0) return;
    this.#block.update(this.#entries.subarray(0, this.#filled));
    this.#filled = 0;
  }

  #open(from: LogPosition): Hash {
    const block = createHash("sha256");
    lengthPrefixed(block, Buffer.from(LOG_TAG, "utf8"));
    lengthPrefixed(block, Buffer.from(this.#applicationName, "utf8"));
    block.update(from.logHash);
    return block;
  }
}
