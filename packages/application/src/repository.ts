/**
 * The repository reconstructs aggregates from their events, starting from the
 * latest snapshot at or below the requested version when there is a snapshot store.
 */
import {
  type Aggregate,
  type AggregateEvent,
  getTopic,
  type Snapshot,
  TopicError,
} from "@es/domain";
import {
  type ChainHead,
  type EventStore,
  hashOf,
  StoredEventDecodingError,
  setChainHeadOf,
} from "@es/persistence-core";
import { AggregateNotFoundError } from "./errors.js";

/** What a repository reads from. */
export interface RepositoryOptions {
  /** The aggregates' events. */
  readonly eventStore: EventStore;
  /** Their snapshots, or none when snapshotting is disabled. */
  readonly snapshotStore?: EventStore | null | undefined;
  /** The application whose aggregates they are, named in errors about its stored events. */
  readonly applicationName?: string | undefined;
}

/** Which version of an aggregate `get` returns. */
export interface GetOptions {
  /** The version wanted; the highest there is when it asks for more. */
  readonly version?: number | undefined;
}

/**
 * Gets aggregates by id: from the latest snapshot at or below the version asked for (when there
 * are snapshots), then the events after it.
 *
 * @example
 * ```ts
 * const world = await app.repository.get<World>(id);
 * const earlier = await app.repository.get<World>(id, { version: 2 });
 * ```
 */
export class Repository {
  /** The aggregates' events. */
  readonly eventStore: EventStore;
  /** Their snapshots, or null when snapshotting is disabled. */
  readonly snapshotStore: EventStore | null;

  /** The application whose aggregates they are, if known. */
  readonly applicationName: string | undefined;

  constructor({ eventStore, snapshotStore, applicationName }: RepositoryOptions) {
    this.eventStore = eventStore;
    this.snapshotStore = snapshotStore ?? null;
    this.applicationName = applicationName;
  }

  /**
   * The aggregate at `version` (default: latest; the latest there is when it asks for more).
   *
   * @throws {@link AggregateNotFoundError} if it has no events (and no snapshot).
   * @throws StoredEventDecodingError if a stored event can't be decoded, or it (or a snapshot)
   *   names an aggregate class that isn't registered.
   */
  async get<A extends Aggregate = Aggregate>(
    aggregateId: string,
    options: GetOptions = {},
  ): Promise<A> {
    const { version } = options;
    let aggregate: A | null | undefined = null;
    let gt: number | undefined;
    let head: ChainHead | undefined;
    if (this.snapshotStore) {
      const [snapshot] = await this.snapshotStore.get<Snapshot>(aggregateId, {
        desc: true,
        limit: 1,
        lte: version,
      });
      if (snapshot) {
        aggregate = this.#applying(snapshot, () => snapshot.mutate<A>());
        gt = snapshot.originatorVersion;
        const hash = hashOf(snapshot);
        if (hash) head = { version: gt, hash };
      }
    }
    const events = await this.eventStore.get<AggregateEvent>(aggregateId, {
      gt,
      lte: version,
      after: head,
    });
    for (const event of events) {
      const before: A | null | undefined = aggregate;
      aggregate = this.#applying(event, (): A | null | undefined => event.mutate(before));
    }
    if (!aggregate) throw new AggregateNotFoundError(aggregateId);
    // Where its events are hashed, the aggregate carries its chain's head to its next save.
    const last = events.at(-1);
    const lastHash = last && hashOf(last);
    if (last && lastHash)
      setChainHeadOf(aggregate, { version: last.originatorVersion, hash: lastHash });
    else if (!last && head) setChainHeadOf(aggregate, head);
    return aggregate;
  }

  /**
   * Applies a stored event or snapshot. The aggregate topic of a created event or a snapshot
   * is resolved only when it is applied: one that names no class is as much a fault of the
   * stored record as a topic in the topic column, and is reported the same way.
   */
  #applying<T>(stored: AggregateEvent | Snapshot, apply: () => T): T {
    try {
      return apply();
    } catch (error) {
      if (!(error instanceof TopicError)) throw error;
      throw new StoredEventDecodingError(
        stored.originatorId,
        stored.originatorVersion,
        getTopic(stored.constructor),
        error,
        this.applicationName,
      );
    }
  }

  /** Whether the aggregate has any events. */
  async has(aggregateId: string): Promise<boolean> {
    return (await this.eventStore.get(aggregateId, { limit: 1 })).length > 0;
  }
}
