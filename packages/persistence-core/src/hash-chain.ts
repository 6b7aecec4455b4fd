/**
 * An application's hash chains: hashing events as they are stored, each chained to its
 * aggregate's previous event, and checking a run of one aggregate's stored events.
 */
import { type IntegrityViolation, IntegrityViolationError } from "./errors.js";
import { type ChainHead, eventHash, genesisHash, HASH_LENGTH, sameHash } from "./event-hashes.js";
import { type StoredEvent, storedEvent } from "./records.js";

/** Finds the hash of an aggregate's event before `version` (not the first), if it has one. */
export type PreviousHash = (
  originatorId: string,
  version: number,
) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

/**
 * The hash chains of one application's events: each event's hash covers its predecessor's
 * (the application's genesis value for an aggregate's first event, and after events recorded
 * before hashing was on) and its stored form.
 *
 * @example
 * ```ts
 * const chain = new HashChain("Worlds");
 * const [hashed] = await chain.link([stored], () => undefined);
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
  async link(events: readonly StoredEvent[], previous: PreviousHash): Promise<StoredEvent[]> {
    const running = new Map<string, ChainHead>();
    const linked: StoredEvent[] = [];
    for (const event of events) {
      const { originatorId, originatorVersion } = event;
      const before = running.get(originatorId);
      const predecessor =
        before?.version === originatorVersion - 1
          ? before.hash
          : originatorVersion > 1
            ? ((await previous(originatorId, originatorVersion)) ?? this.genesis(originatorId))
            : this.genesis(originatorId);
      const hash = eventHash(predecessor, event);
      running.set(originatorId, { version: originatorVersion, hash });
      linked.push(storedEvent({ ...event, hash }));
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
    let previous: { readonly version: number; readonly hash: Uint8Array | undefined } | undefined =
      from;
    let chained = false;
    for (const event of events) {
      const { originatorId, originatorVersion, hash } = event;
      const violation = (kind: IntegrityViolation["kind"], detail: string, version?: number) => ({
        kind,
        applicationName: this.applicationName,
        originatorId,
        originatorVersion: version ?? originatorVersion,
        detail,
      });
      if (previous !== undefined && originatorVersion !== previous.version + 1) {
        return violation(
          "missing",
          `the versions go from ${previous.version} to ${originatorVersion}`,
          previous.version + 1,
        );
      }
      if (hash === undefined || hash === null) {
        if (chained) return violation("unchained", "it has no hash, and events before it have");
        previous = { version: originatorVersion, hash: undefined };
        continue;
      }
      if (!(hash instanceof Uint8Array) || hash.byteLength !== HASH_LENGTH) {
        return violation("malformed", `its hash is not ${HASH_LENGTH} bytes`);
      }
      chained = true;
      if (previous !== undefined) {
        const expected = eventHash(previous.hash ?? this.genesis(originatorId), event);
        if (!sameHash(expected, hash)) {
          return violation(
            "modified",
            "its hash doesn't match its contents and the hash of the event before it",
          );
        }
      }
      previous = { version: originatorVersion, hash };
    }
    return undefined;
  }

  /**
   * Throws the first violation in a run of one aggregate's stored events.
   *
   * @throws {@link IntegrityViolationError} naming the application, event and violation.
   */
  assertIntact(events: readonly StoredEvent[], from?: ChainHead): void {
    const violation = this.check(events, from);
    if (violation) throw new IntegrityViolationError(violation);
  }
}
