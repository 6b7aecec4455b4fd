/**
 * The events an application has lately hashed (written, or read and checked), remembered with
 * everything their hash was taken of. An event read again with the same stored bytes, topic,
 * hash and predecessor's hash would hash the same, so comparing those bytes stands in for
 * hashing it again: a byte comparison costs a fraction of a hash call, and an application
 * mostly reads what it lately wrote or read. An event that differs in any byte is hashed.
 * A verify of the store never uses it: it hashes everything.
 */
import { sameBytes } from "./event-hashes.js";
import type { StoredEvent } from "./records.js";

interface Remembered {
  readonly previous: Uint8Array;
  readonly topic: string;
  readonly state: Uint8Array;
  readonly hash: Uint8Array;
}

/** The last `capacity` events hashed, and the aggregates' genesis values, oldest out first. */
export class HashMemo {
  readonly #capacity: number;
  readonly #events = new Map<string, Remembered>();
  readonly #genesis = new Map<string, Uint8Array>();

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** Whether this event, after this predecessor, was hashed to its stored hash before. */
  knows(previous: Uint8Array, event: StoredEvent & { readonly hash: Uint8Array }): boolean {
    const key = keyOf(event);
    const remembered = this.#events.get(key);
    if (
      remembered === undefined ||
      remembered.topic !== event.topic ||
      !sameBytes(remembered.hash, event.hash) ||
      !sameBytes(remembered.previous, previous) ||
      !sameBytes(remembered.state, event.state)
    ) {
      return false;
    }
    return true;
  }

  /** Remembers an event whose hash, after this predecessor, is `hash`. */
  remember(previous: Uint8Array, event: StoredEvent, hash: Uint8Array): void {
    // A copy: a buffer the store still holds could be changed in place behind the memo's back.
    const { topic } = event;
    touch(this.#events, keyOf(event), { previous, topic, state: event.state.slice(), hash });
    if (this.#events.size > this.#capacity) evictOldest(this.#events);
  }

  /** An aggregate's genesis value, made by `make` once while it is remembered. */
  genesis(originatorId: string, make: () => Uint8Array): Uint8Array {
    let value = this.#genesis.get(originatorId);
    if (value === undefined) {
      value = make();
      this.#genesis.set(originatorId, value);
      if (this.#genesis.size > this.#capacity) evictOldest(this.#genesis);
    }
    return value;
  }
}

function keyOf(event: StoredEvent): string {
  return `${event.originatorVersion}\u0000${event.originatorId}`;
}

/** Sets the entry as the most recent. */
function touch<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
}

function evictOldest<V>(map: Map<string, V>): void {
  const oldest = map.keys().next();
  if (!oldest.done) map.delete(oldest.value);
}
