/**
 * The hashes of the events an insert is given, checked the same way for every recorder before
 * it writes anything: a stored hash is SHA-256's 32 bytes or nothing, so that what a reader
 * finds of another length was altered after it was written (and hash verification says so).
 */
import { DataError } from "./errors.js";
import type { StoredEvent } from "./records.js";

/** How many bytes an event's hash has: SHA-256's. */
export const HASH_LENGTH = 32;

/**
 * Refuses events whose hash, if given, is not 32 bytes. Events without one are accepted as they
 * are (applications that don't hash their events).
 *
 * @throws TypeError if a hash is not a `Uint8Array` (null too: no hash is `undefined`), naming
 *   the event's originator id and version.
 * @throws DataError if a hash is not 32 bytes long, naming the event and its length.
 */
export function checkHashes(events: readonly StoredEvent[]): void {
  // A plain loop that reads one property per event: it runs on every save.
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as StoredEvent;
    const hash: unknown = event.hash;
    if (hash === undefined) continue;
    if (!(hash instanceof Uint8Array)) {
      throw new TypeError(
        `${described(event)} has a hash that is not a Uint8Array: got ${hash === null ? "null" : typeof hash}`,
      );
    }
    if (hash.byteLength !== HASH_LENGTH) {
      throw new DataError(
        `${described(event)} has a hash of ${hash.byteLength} bytes: a hash is ${HASH_LENGTH} bytes (SHA-256)`,
      );
    }
  }
}

/** How an event is named in errors: `Event 'a1b2' version 3`. */
const described = (event: StoredEvent): string =>
  `Event '${String(event.originatorId)}' version ${String(event.originatorVersion)}`;
