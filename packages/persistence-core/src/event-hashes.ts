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
import { createHash } from "node:crypto";
import type { StoredEvent } from "./records.js";

const GENESIS_TAG = "es event hash v1";

/** The head of an aggregate's chain: the hash of its event at `version`. */
export interface ChainHead {
  /** The version of the last event hashed. */
  readonly version: number;
  /** That event's hash. */
  readonly hash: Uint8Array;
}

function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeUInt32BE(length);
  return prefix;
}

function updateWith(hash: ReturnType<typeof createHash>, bytes: Uint8Array): void {
  hash.update(lengthPrefix(bytes.byteLength));
  hash.update(bytes);
}

function text(value: string): Buffer {
  return Buffer.from(value, "utf8");
}

/** The predecessor of an aggregate's first event: bound to the application and the aggregate. */
export function genesisHash(applicationName: string, originatorId: string): Uint8Array {
  const hash = createHash("sha256");
  updateWith(hash, text(GENESIS_TAG));
  updateWith(hash, text(applicationName));
  updateWith(hash, text(originatorId));
  return hash.digest();
}

/** A stored event's hash, chained to its predecessor's. */
export function eventHash(previous: Uint8Array, event: StoredEvent): Uint8Array {
  const hash = createHash("sha256");
  updateWith(hash, previous);
  updateWith(hash, text(event.originatorId));
  const version = Buffer.allocUnsafe(8);
  version.writeBigUInt64BE(BigInt(event.originatorVersion));
  hash.update(version);
  updateWith(hash, text(event.topic));
  updateWith(hash, event.state);
  return hash.digest();
}

/** Whether two hashes are the same bytes. */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
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
