/**
 * The rows SQLite's recorders read, in raw (array) mode, which is cheaper than objects, and the
 * records they hold. Events' hashes are read as hex text: better-sqlite3 hands over a blob as a
 * Buffer of its own (about a microsecond each: more than reading the rest of a row), a short
 * string for a tenth of that, and a Buffer made from hex in JavaScript comes from Node's pool.
 * Every read of a hashed store reads a hash per event, so this is most of what hashing costs a
 * read.
 */
import type { TextStoredEvent } from "@es/persistence-core";
import {
  type HashColumn,
  type NotificationValues,
  type StateColumn,
  type StoredEventValues,
  valuesReader,
} from "@es/persistence-core/sql";

/**
 * The `hash` column as hex, NULL kept NULL (SQLite's `hex(NULL)` is the empty string, which an
 * empty blob gives too). A value that isn't a blob (a table altered by hand) comes out as the
 * hex of its text's UTF-8 bytes: the bytes `columnHash` gives it, so it reads as the same hash.
 */
export const HEX_HASH: HashColumn = (column) =>
  `CASE WHEN ${column} IS NULL THEN NULL ELSE hex(${column}) END AS hash`;

/**
 * The `state` column as the text of its bytes: SQLite's text is UTF-8 and its cast changes no
 * byte, and better-sqlite3 decodes invalid sequences as U+FFFD, as `Buffer#toString` does.
 */
export const STATE_AS_TEXT: StateColumn = (column) => `CAST(${column} AS TEXT) AS state`;

/** An event's row: the values of `EVENT_COLUMNS`, in order, the hash as `HEX_HASH` reads it. */
export type RawEventRow = StoredEventValues;

/** An event's row read with `STATE_AS_TEXT`: as `RawEventRow`, its state as text. */
export type RawTextEventRow = readonly [
  originatorId: string,
  originatorVersion: number,
  topic: string,
  state: string,
  hash: unknown,
];

/** A notification's row: its id, then as `RawEventRow`. */
export type RawNotificationRow = NotificationValues;

/** The hash a row read with `HEX_HASH` holds: none for NULL. */
function hashFromHex(value: unknown): Uint8Array | undefined {
  return typeof value === "string" ? Buffer.from(value, "hex") : undefined;
}

const withHexHashes = valuesReader(hashFromHex);

/** The stored event a row read with `HEX_HASH` holds. */
export const eventOf = withHexHashes.storedEvent;

/**
 * The stored event a row read with `STATE_AS_TEXT` and `HEX_HASH` holds: its state as text.
 * The reader doesn't look at the state, so it reads text as it reads bytes.
 */
export const textEventOf = eventOf as unknown as (values: RawTextEventRow) => TextStoredEvent;

/** The notification a row read with `HEX_HASH` holds. */
export const notificationOf = withHexHashes.notification;
