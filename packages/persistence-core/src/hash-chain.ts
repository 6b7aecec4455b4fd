/**
 * An application's hash chains: hashing events as they are stored, each chained to its
 * aggregate's previous event, and checking a run of one aggregate's stored events.
 */
import type { IntegrityViolation } from "./errors.js";
import { type ChainHead, eventHash, genesisHash, isEventHash } from "./event-hashes.js";
import { HASH_LENGTH } from "./hash-checks.js";
import { type StoredEvent, storedEvent } from "./records.js";

/** Where an aggregate's chain stands, as a check walks it. */
export interface ChainState {
  /** The version of the last event checked. */
  readonly version: number;
  /** Its hash, if it has one (none: recorded before hashing was on). */
  readonly hash: Uint8Array | undefined;
  /** Whether any event so far has a hash (after which every one must). */
  readonly chained: boolean;
}

/**
 * The hash of an aggregate's event before `version` (not the first), if it has one: where a
 * chain continues from an event before the batch being linked.
 */
export type PreviousHash = (originatorId: string, version: number) => Uint8Array | undefined;

/**
 * Whether the event is the plain next link of a chain that stands at `version` with `hash`: the
 * version after it, hashed, its hash that of its contents after `hash`. Reads and verifies
 * mostly find this, and check it alone; anything else is walked by `HashChain.next`.
 */
export function isNextLink(version: number, hash: Uint8Array, event: StoredEvent): boolean {
  return (
    event.originatorVersion === version + 1 &&
    event.hash instanceof Uint8Array &&
    isEventHash(hash, event, event.hash)
  );
}

/**
 * The hash chains of one application's events: each event's hash covers its predecessor's
 * (the application's genesis value for an aggregate's first event, and after events recorded
 * before hashing was on) and its stored form.
 *
 * @example
 * ```ts
 * const chain = new HashChain("Worlds");
 * const [hashed] = chain.link([stored]);
 * chain.check([hashed]); // undefined: nothing wrong
 * ```
 */
export class HashChain {
  /** The application whose events are chained: its name is in every chain's first link. */
  readonly applicationName: string;

  constructor(applicationName: string) {
    this.applicationName = applicationName;
  }

  /** The predecessor of an aggregate's first event. */
  genesis(originatorId: string): Uint8Array {
    return genesisHash(this.applicationName, originatorId);
  }

  /**
   * The events, each with its hash: chained to the event before it in the batch, else to the
   * one `previous` finds (none: the chain starts at genesis, as it does at version 1).
   */
  link(events: readonly StoredEvent[], previous: PreviousHash = () => undefined): StoredEvent[] {
    const running = new Map<string, ChainHead>();
    const linked: StoredEvent[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as StoredEvent;
      const { originatorId, originatorVersion, topic, state } = event;
      const before = running.get(originatorId);
      const predecessor =
        before?.version === originatorVersion - 1
          ? before.hash
          : ((originatorVersion > 1 ? previous(originatorId, originatorVersion) : undefined) ??
            this.genesis(originatorId));
      const hash = eventHash(predecessor, event);
      running.set(originatorId, { version: originatorVersion, hash });
      linked[i] = storedEvent({ originatorId, originatorVersion, topic, state, hash });
    }
    return linked;
  }

  /**
   * The first violation in a run of one aggregate's stored events, in version order, or
   * undefined if there is none. `from` is the head the run follows, if known: for a run from
   * the start, version 0 and the genesis value. A run with no hashes before hashed ones is
   * the events recorded before hashing was on: not a violation here, reported by a verify.
   */
  check(events: readonly StoredEvent[], from?: ChainHead): IntegrityViolation | undefined {
    if (from && this.#intact(events, from)) return undefined;
    let state: ChainState | undefined = from && { ...from, chained: from.version > 0 };
    for (const event of events) {
      const next = this.next(state, event);
      if (next.violation) return next.violation;
      state = next.state;
    }
    return undefined;
  }

  /** Whether every event of the run is the plain next link (`isNextLink`) of the one before. */
  #intact(events: readonly StoredEvent[], from: ChainHead): boolean {
    let { version, hash } = from;
    for (const event of events) {
      if (!isNextLink(version, hash, event)) return false;
      version = event.originatorVersion;
      hash = event.hash as Uint8Array;
    }
    return true;
  }

  /**
   * Checks an aggregate's next stored event against where its chain stands (undefined: not
   * known, so its link to its predecessor can't be checked): the chain's new state, and what
   * is wrong with the event, if anything. After a violation the chain goes on from the event,
   * so that each violation is reported once.
   */
  next(
    state: ChainState | undefined,
    event: StoredEvent,
    notificationId?: number,
  ): { readonly state: ChainState; readonly violation?: IntegrityViolation } {
    const { originatorVersion, hash } = event;
    const hashed = hash instanceof Uint8Array && hash.byteLength === HASH_LENGTH;
    const after: ChainState = {
      version: originatorVersion,
      hash: hashed ? hash : undefined,
      chained: (state?.chained ?? false) || hashed,
    };
    if (state !== undefined && originatorVersion <= state.version) {
      return {
        state,
        violation: this.#violation(
          event,
          notificationId,
          "moved",
          `it comes after version ${state.version} in the log`,
        ),
      };
    }
    if (state !== undefined && originatorVersion !== state.version + 1) {
      return {
        state: after,
        violation: this.#violation(
          event,
          notificationId,
          "missing",
          `the versions go from ${state.version} to ${originatorVersion}`,
          state.version + 1,
        ),
      };
    }
    if (hash === undefined || hash === null) {
      return state?.chained && state.hash !== undefined
        ? {
            state: after,
            violation: this.#violation(
              event,
              notificationId,
              "unchained",
              "it has no hash, and the event before it has",
            ),
          }
        : { state: after };
    }
    if (!hashed) {
      return {
        state: after,
        violation: this.#violation(
          event,
          notificationId,
          "malformed",
          `its hash is not ${HASH_LENGTH} bytes`,
        ),
      };
    }
    if (state !== undefined) {
      const predecessor = state.hash ?? this.genesis(event.originatorId);
      if (!isEventHash(predecessor, event, hash)) {
        return { state: after, violation: this.#modified(event, notificationId) };
      }
    }
    return { state: after };
  }

  #modified(event: StoredEvent, notificationId: number | undefined): IntegrityViolation {
    return this.#violation(
      event,
      notificationId,
      "modified",
      "its hash doesn't match its contents and the hash of the event before it",
    );
  }

  #violation(
    event: StoredEvent,
    notificationId: number | undefined,
    kind: IntegrityViolation["kind"],
    detail: string,
    version = event.originatorVersion,
  ): IntegrityViolation {
    return {
      kind,
      applicationName: this.applicationName,
      originatorId: event.originatorId,
      originatorVersion: version,
      ...(notificationId === undefined ? {} : { notificationId }),
      detail,
    };
  }
}
