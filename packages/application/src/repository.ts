/**
 * The repository reconstructs aggregates from their events, starting from the
 * latest snapshot at or below the requested version when there is a snapshot store.
 */
import {
  type Aggregate,
  type AggregateEvent,
  type DomainEvent,
  getTopic,
  type Snapshot,
  TopicError,
} from "@es/domain";
import {
  type ChainHead,
  chainHeadOf,
  type EventStore,
  hashOf,
  StoredEventDecodingError,
  setChainHeadOf,
} from "@es/persistence-core";
import type { AggregateCache } from "./aggregate-cache.js";
import { AggregateNotFoundError } from "./errors.js";

/** What a repository reads from. */
export interface RepositoryOptions {
  /** The aggregates' events. */
  readonly eventStore: EventStore;
  /** Their snapshots, or none when snapshotting is disabled. */
  readonly snapshotStore?: EventStore | null | undefined;
  /** The application whose aggregates they are, named in errors about its stored events. */
  readonly applicationName?: string | undefined;
  /** Copies of the aggregates lately got or saved, to get the latest version from. */
  readonly cache?: AggregateCache | undefined;
  /**
   * Whether a get from the cache first reads the events recorded after the cached version
   * (default true): it is then never stale, even with other writers. Without, a get returns
   * what the cache holds: for an application that is its aggregates' only writer.
   */
  readonly fastForward?: boolean | undefined;
}

/** Which version of an aggregate `get` returns. */
export interface GetOptions {
  /** The version wanted; the highest there is when it asks for more. */
  readonly version?: number | undefined;
}

/**
 * Gets aggregates by id: from the latest snapshot at or below the version asked for (when there
 * are snapshots), then the events after it. With a cache, the latest version comes from the
 * cache's copy (with the events recorded after it, when fast-forwarding), and every aggregate
 * read is cached.
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
  /** Copies of the aggregates lately got or saved, if the application keeps them. */
  readonly cache: AggregateCache | undefined;
  /** Whether a get from the cache reads the events recorded after the cached version first. */
  readonly fastForward: boolean;

  constructor({
    eventStore,
    snapshotStore,
    applicationName,
    cache,
    fastForward = true,
  }: RepositoryOptions) {
    this.eventStore = eventStore;
    this.snapshotStore = snapshotStore ?? null;
    this.applicationName = applicationName;
    this.cache = cache;
    this.fastForward = fastForward;
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
    if (this.cache && version === undefined) {
      const cached = this.cache.get<A>(aggregateId);
      if (cached) return this.fastForward ? this.#fastForward(cached) : cached;
      const read = await this.#read<A>(aggregateId, undefined);
      this.cache.put(read);
      return read;
    }
    return this.#read<A>(aggregateId, version);
  }

  /**
   * A cached aggregate with the events recorded after its version applied (and cached). Where
   * events are hashed, the first is checked against the cached head: a history rewritten
   * behind the cache's back is refused as a read from the start would refuse it.
   */
  async #fastForward<A extends Aggregate>(aggregate: A): Promise<A> {
    const from = aggregate.version;
    const events = await this.eventStore.get<AggregateEvent>(aggregate.id, {
      gt: from,
      after: chainHeadOf(aggregate),
    });
    if (events.length === 0) return aggregate;
    for (const event of events) this.#applying(event, () => event.mutate(aggregate));
    this.#carryHead(aggregate, events, undefined);
    (this.cache as AggregateCache).put(aggregate);
    return aggregate;
  }

  /** The aggregate at `version` (default: latest), read from the snapshots and events. */
  async #read<A extends Aggregate>(aggregateId: string, version: number | undefined): Promise<A> {
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
    this.#carryHead(aggregate, events, head);
    return aggregate;
  }

  /**
   * Where its events are hashed, the aggregate carries its chain's head to its next save: the
   * last event read's hash, or the head it was read from (a snapshot's) when none was.
   */
  #carryHead(aggregate: Aggregate, events: readonly DomainEvent[], from: ChainHead | undefined) {
    const last = events.at(-1);
    const lastHash = last && hashOf(last);
    if (last && lastHash) {
      setChainHeadOf(aggregate, { version: last.originatorVersion, hash: lastHash });
    } else if (!last && from) setChainHeadOf(aggregate, from);
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
