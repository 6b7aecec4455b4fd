/**
 * Events' hashes read as hex text. better-sqlite3 hands over a blob as a Buffer of its own
 * (about a microsecond each: more than reading the rest of a row), a short string for a tenth
 * of that, and a Buffer made from hex in JavaScript comes from Node's pool. Every read of a
 * hashed store reads a hash per event, so this is most of what hashing costs a read.
 */
import type { HashColumn } from "@es/persistence-core/sql";

/**
 * The `hash` column as hex, NULL kept NULL (SQLite's `hex(NULL)` is the empty string, which an
 * empty blob gives too). A value that isn't a blob (a table altered by hand) comes out as the
 * hex of its text's UTF-8 bytes: the bytes `hashOf` gives it, so it reads as the same hash.
 */
export const HEX_HASH: HashColumn = (column) =>
  `CASE WHEN ${column} IS NULL THEN NULL ELSE hex(${column}) END AS hash`;

/** The hash a row read with `HEX_HASH` holds: none for NULL. */
export function hashFromHex(value: unknown): Uint8Array | undefined {
  return typeof value === "string" ? Buffer.from(value, "hex") : undefined;
}
