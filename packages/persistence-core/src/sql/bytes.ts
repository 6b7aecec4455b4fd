/**
 * Bytes as the Node.js database drivers bind them: better-sqlite3 binds only a `Buffer` as a
 * blob, and pg sends a `Buffer` as bytea (and any other typed array as text).
 */

/**
 * `bytes` as a `Buffer` over the same memory: the value itself when it is one, else a view of
 * it (no copy), so what is stored is exactly the bytes given.
 */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
