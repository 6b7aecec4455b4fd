/**
 * Hash-chained events: each stored event's hash covers its predecessor's hash and its own
 * stored form, so an edited, swapped or removed event breaks the chain of its aggregate.
 *
 * The hash is of the stored bytes (after compression and encryption): anyone can verify a
 * store without the cipher key, and deleting a key (crypto-shredding) leaves the chain whole.
 * Each field is length-prefixed, so no two different events hash the same bytes; the first
 * event's predecessor is a genesis value bound to the application and the aggregate, so an
 * event can't be moved to another aggregate or application with its hash.
 *
 * A writer needs the hash of the version before the one it writes: an aggregate carries it
 * from the read that loaded it (or the save that wrote it), so saving costs no extra read.
 * Optimistic concurrency already lets only one event follow each version, so writers need no
 * new serialisation.
 */
import { hash } from "node:crypto";
import type { StoredEvent } from "./records.js";

const GENESIS_TAG = "es event hash v1";

/** The head of an aggregate's chain: the hash of its event at `version`. */
export interface ChainHead {
  /** The version of the last event hashed. */
  readonly version: number;
  /** That event's hash. */
  readonly hash: Uint8Array;
}

/**
 * Where the bytes of one hash's input are laid out: reused, so that hashing an event allocates
 * nothing but its digest (a save or a read hashes every event it writes or reads).
 */
let scratch = Buffer.allocUnsafe(4096);

function room(size: number): Buffer {
  if (size > scratch.length) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  return scratch;
}

/** Writes a length-prefixed string at `offset`, returning the offset after it. */
function writeText(buffer: Buffer, offset: number, value: string, length: number): number {
  buffer.writeUInt32BE(length, offset);
  buffer.write(value, offset + 4, length, "utf8");
  return offset + 4 + length;
}

/** Writes length-prefixed bytes at `offset`, returning the offset after them. */
function writeBytes(buffer: Buffer, offset: number, bytes: Uint8Array): number {
  buffer.writeUInt32BE(bytes.byteLength, offset);
  buffer.set(bytes, offset + 4);
  return offset + 4 + bytes.byteLength;
}

/** The predecessor of an aggregate's first event: bound to the application and the aggregate. */
export function genesisHash(applicationName: string, originatorId: string): Uint8Array {
  const tagLength = Buffer.byteLength(GENESIS_TAG, "utf8");
  const nameLength = Buffer.byteLength(applicationName, "utf8");
  const idLength = Buffer.byteLength(originatorId, "utf8");
  const buffer = room(12 + tagLength + nameLength + idLength);
  let offset = writeText(buffer, 0, GENESIS_TAG, tagLength);
  offset = writeText(buffer, offset, applicationName, nameLength);
  offset = writeText(buffer, offset, originatorId, idLength);
  return hash("sha256", buffer.subarray(0, offset), "buffer");
}

/**
 * A stored event's hash, chained to its predecessor's: SHA-256 of the predecessor's hash, the
 * originator id, the version (8 bytes) and the topic and state, each length-prefixed.
 */
export function eventHash(previous: Uint8Array, event: StoredEvent): Uint8Array {
  const size = hashInputLength(previous, event);
  const buffer = room(size);
  return hash("sha256", buffer.subarray(0, writeHashInput(buffer, 0, previous, event)), "buffer");
}

/** The length of what an event's hash is taken of. */
export function hashInputLength(previous: Uint8Array, event: StoredEvent): number {
  return (
    24 +
    previous.byteLength +
    Buffer.byteLength(event.originatorId, "utf8") +
    Buffer.byteLength(event.topic, "utf8") +
    event.state.byteLength
  );
}

/**
 * Writes what an event's hash is taken of at `offset` (which must have `hashInputLength`
 * bytes of room), returning the offset after it.
 */
export function writeHashInput(
  buffer: Buffer,
  start: number,
  previous: Uint8Array,
  event: StoredEvent,
): number {
  const { originatorId, originatorVersion, topic, state } = event;
  let offset = writeBytes(buffer, start, previous);
  offset = writeText(buffer, offset, originatorId, Buffer.byteLength(originatorId, "utf8"));
  buffer.writeUInt32BE(Math.floor(originatorVersion / 2 ** 32), offset);
  buffer.writeUInt32BE(originatorVersion >>> 0, offset + 4);
  offset = writeText(buffer, offset + 8, topic, Buffer.byteLength(topic, "utf8"));
  return writeBytes(buffer, offset, state);
}

/** Whether two runs of bytes are equal: a loop, cheaper than a native call for short runs. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const length = a.byteLength;
  if (length !== b.byteLength) return false;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The hash each domain event (or snapshot) was stored or read with. */
const hashes = new WeakMap<object, Uint8Array>();
/** The head of each aggregate object's chain: from the read that loaded it, or its last save. */
const heads = new WeakMap<object, ChainHead>();

/** The hash an event or snapshot was stored or read with, if it has one. */
export function hashOf(event: object): Uint8Array | undefined {
  return hashes.get(event);
}

/** Records the hash an event or snapshot was stored or read with (a snapshot: its head's). */
export function setHashOf(event: object, hash: Uint8Array | undefined): void {
  if (hash === undefined) hashes.delete(event);
  else hashes.set(event, hash);
}

/** The head of an aggregate's chain, as the read that loaded it or its last save left it. */
export function chainHeadOf(aggregate: object): ChainHead | undefined {
  return heads.get(aggregate);
}

/** Records the head of an aggregate's chain. */
export function setChainHeadOf(aggregate: object, head: ChainHead | undefined): void {
  if (head === undefined) heads.delete(aggregate);
  else heads.set(aggregate, head);
}
