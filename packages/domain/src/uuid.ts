/**
 * UUID helpers. Aggregate ids are canonical lower-case UUID strings; version 5 ids give
 * aggregates ids derived from a name. node:crypto has all we need.
 */
import { createHash, randomUUID } from "node:crypto";

/** The RFC 4122 namespace for URLs, as Python's `uuid.NAMESPACE_URL`. */
export const NAMESPACE_URL = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
/** The RFC 4122 namespace for domain names, as Python's `uuid.NAMESPACE_DNS`. */
export const NAMESPACE_DNS = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A random (version 4) UUID. */
export function uuid4(): string {
  return randomUUID();
}

/**
 * A name-based (version 5, SHA-1) UUID: the same namespace and name always give the same id,
 * as Python's `uuid.uuid5`.
 *
 * @example
 * ```ts
 * class Page extends Aggregate {
 *   static override createId(slug: string) {
 *     return uuid5(NAMESPACE_URL, `/pages/${slug}`);
 *   }
 * }
 * ```
 * @throws TypeError if the namespace is not a UUID.
 */
export function uuid5(namespace: string, name: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(parseUuid(namespace)))
    .update(name, "utf8")
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/** True for a canonical lower-case UUID string. */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value);
}

/**
 * The 16 bytes of a UUID string (any case, with or without hyphens).
 *
 * @throws TypeError if the value is not a UUID.
 */
export function parseUuid(value: string): Uint8Array {
  const hex = value.replace(/-/g, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new TypeError(`Not a UUID: ${JSON.stringify(value)}`);
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
