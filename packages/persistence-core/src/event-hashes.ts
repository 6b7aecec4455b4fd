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
import { Buffer } from "node:buffer";
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

/**
 * Texts (originator ids, topics, the application's name), UTF-8 and length-prefixed, as a hash
 * input has them: an aggregate's events share one, and an application has few topics, so most
 * are encoded once, not per event.
 */
const prefixed = new Map<string, Buffer>();
const PREFIXED_KEPT = 4096;

function lengthPrefixed(value: string): Buffer {
  let bytes = prefixed.get(value);
  if (bytes === undefined) {
    const length = Buffer.byteLength(value, "utf8");
    bytes = Buffer.allocUnsafe(4 + length);
    bytes.writeUInt32BE(length, 0);
    bytes.write(value, 4, length, "utf8");
    if (prefixed.size >= PREFIXED_KEPT) prefixed.clear();
    prefixed.set(value, bytes);
  }
  return bytes;
}

/** Writes bytes at `offset`, returning the offset after them. */
function writeAt(buffer: Buffer, offset: number, bytes: Uint8Array): number {
  buffer.set(bytes, offset);
  return offset + bytes.byteLength;
}

/** Writes length-prefixed bytes at `offset`, returning the offset after them. */
function writeBytes(buffer: Buffer, offset: number, bytes: Uint8Array): number {
  buffer.writeUInt32BE(bytes.byteLength, offset);
  return writeAt(buffer, offset + 4, bytes);
}

/**
 * SHA-256 of the bytes as a string of one character per byte. Node hands over a short string
 * several times faster than a Buffer (whose memory of its own costs the allocation and the
 * garbage collector more than the hashing), and a Buffer made from the string comes from Node's
 * pool; a hash compared with stored bytes needs no Buffer at all.
 */
function sha256Latin1(bytes: Uint8Array): string {
  return hash("sha256", bytes, "binary");
}

/** The bytes of a digest from `sha256Latin1`. */
function digestBytes(digest: string): Uint8Array {
  return Buffer.from(digest, "latin1");
}

/** Whether a digest from `sha256Latin1` is these bytes. */
function digestIs(digest: string, bytes: Uint8Array): boolean {
  const { length } = digest;
  if (bytes.byteLength !== length) return false;
  for (let i = 0; i < length; i++) if (digest.charCodeAt(i) !== bytes[i]) return false;
  return true;
}

/** The predecessor of an aggregate's first event: bound to the application and the aggregate. */
export function genesisHash(applicationName: string, originatorId: string): Uint8Array {
  const parts = [GENESIS_TAG, applicationName, originatorId].map((part) => lengthPrefixed(part));
  const buffer = room(parts.reduce((length, part) => length + part.byteLength, 0));
  let end = 0;
  for (const part of parts) end = writeAt(buffer, end, part);
  return digestBytes(sha256Latin1(buffer.subarray(0, end)));
}

/**
 * A stored event's hash, chained to its predecessor's: SHA-256 of the predecessor's hash, the
 * originator id, the version (8 bytes) and the topic and state, each length-prefixed.
 */
export function eventHash(previous: Uint8Array, event: StoredEvent): Uint8Array {
  return digestBytes(eventDigest(previous, event));
}

/** Whether `hash` is the event's hash after `previous` (`eventHash`, without making its bytes). */
export function isEventHash(previous: Uint8Array, event: StoredEvent, hash: Uint8Array): boolean {
  return digestIs(eventDigest(previous, event), hash);
}

function eventDigest(previous: Uint8Array, event: StoredEvent): string {
  const buffer = room(maxHashInputLength(previous, event));
  return sha256Latin1(buffer.subarray(0, writeHashInput(buffer, previous, event)));
}

/**
 * At least the length of what an event's hash is taken of, found without encoding its strings
 * (a UTF-16 code unit is at most 3 bytes of UTF-8): room enough to write it.
 */
function maxHashInputLength(previous: Uint8Array, event: StoredEvent): number {
  return (
    24 +
    previous.byteLength +
    3 * (event.originatorId.length + event.topic.length) +
    event.state.byteLength
  );
}

/**
 * Writes what an event's hash is taken of at the start of `buffer` (which must have
 * `maxHashInputLength` bytes of room), returning its length.
 */
function writeHashInput(buffer: Buffer, previous: Uint8Array, event: StoredEvent): number {
  const { originatorVersion } = event;
  let offset = writeBytes(buffer, 0, previous);
  offset = writeAt(buffer, offset, lengthPrefixed(event.originatorId));
  buffer.writeUInt32BE(Math.floor(originatorVersion / 2 ** 32), offset);
  buffer.writeUInt32BE(originatorVersion >>> 0, offset + 4);
  offset = writeAt(buffer, offset + 8, lengthPrefixed(event.topic));
  return writeBytes(buffer, offset, event.state);
}

/** Whether two runs of bytes are equal (a native comparison: cheaper than a loop from 32 bytes). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

/** The hashes of the last events read of aggregates, and of snapshots to be stored. */
const hashes = new WeakMap<object, Uint8Array>();
/** The head of each aggregate object's chain: from the read that loaded it, or its last save. */
const heads = new WeakMap<object, ChainHead>();

/**
 * The hash a domain event was read with, if it was the last of its read (`EventStore.get`
 * marks only that one: the head a save continues from), or a snapshot is to be stored with.
 */
export function hashOf(event: object): Uint8Array | undefined {
  return hashes.get(event);
}

/** Records the hash an event was read with, or a snapshot is to be stored with (its head's). */
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
