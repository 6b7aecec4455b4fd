/**
 * An application's cache of aggregates: the latest state it has seen of each (up to a size,
 * the least recently used forgotten first), kept as the bytes of a snapshot. Each get decodes a
 * copy of its own, so no caller can change what another gets, and a cached aggregate is
 * restored exactly as a snapshot restores it (the application's transcodings and upcasting).
 */
import { type Aggregate, Snapshot } from "@es/domain";
import {
  type ChainHead,
  chainHeadOf,
  Mapper,
  type StoredEvent,
  setChainHeadOf,
  type Transcoder,
} from "@es/persistence-core";

/**
 * How many aggregates an application's cache keeps: unset (the default) keeps none, 0 keeps
 * every aggregate got or saved, and more keeps that many, the least recently used forgotten.
 */
export const AGGREGATE_CACHE_MAXSIZE = "AGGREGATE_CACHE_MAXSIZE";

/**
 * Whether a get from the cache first reads the events recorded after the cached version
 * (default true). Turn it off only for an application that is its aggregates' only writer.
 */
export const AGGREGATE_CACHE_FASTFORWARD = "AGGREGATE_CACHE_FASTFORWARD";

/** An aggregate as the cache keeps it. */
interface Cached {
  readonly version: number;
  /** Its snapshot, encoded (not compressed or encrypted: it never leaves the process). */
  readonly snapshot: StoredEvent;
  /** The head of its hash chain, where its events are hashed. */
  readonly head: ChainHead | undefined;
}

/** A node of the recency list: the least recently used at the list's head. */
interface Node {
  readonly id: string;
  entry: Cached;
  older: Node | undefined;
  newer: Node | undefined;
}

/**
 * Copies of aggregates by id, at most `maxSize` (0: no limit), the least recently used
 * forgotten first. A put never replaces an aggregate with an older version of itself, so a slow
 * save or read can't take the cache back in time.
 *
 * @example
 * ```ts
 * const cache = new AggregateCache(new JSONTranscoder(), 1000);
 * cache.put(world);
 * const copy = cache.get<World>(world.id); // another object, equal to world
 * ```
 */
export class AggregateCache {
  /** The most aggregates kept (0: no limit). */
  readonly maxSize: number;
  readonly #mapper: Mapper;
  readonly #nodes = new Map<string, Node>();
  #oldest: Node | undefined;
  #newest: Node | undefined;

  constructor(transcoder: Transcoder, maxSize = 0) {
    if (!Number.isSafeInteger(maxSize) || maxSize < 0) {
      throw new RangeError(`an aggregate cache's size is a whole number >= 0, got ${maxSize}`);
    }
    this.maxSize = maxSize;
    this.#mapper = new Mapper({ transcoder });
  }

  /** How many aggregates are kept. */
  get size(): number {
    return this.#nodes.size;
  }

  /** The version of the aggregate kept, if one is. */
  versionOf(id: string): number | undefined {
    return this.#nodes.get(id)?.entry.version;
  }

  /**
   * A copy of the aggregate kept, if one is (its chain's head with it); it becomes the most
   * recently used. One that can no longer be restored (its class gone) is forgotten.
   */
  get<A extends Aggregate = Aggregate>(id: string): A | undefined {
    const node = this.#nodes.get(id);
    if (node === undefined) return undefined;
    this.#use(node);
    let copy: A;
    try {
      copy = this.#mapper.toDomainEvent<Snapshot>(node.entry.snapshot).mutate<A>();
    } catch {
      this.forget(id);
      return undefined;
    }
    const { head } = node.entry;
    if (head?.version === copy.version) setChainHeadOf(copy, head);
    return copy;
  }

  /**
   * Keeps (a copy of) the aggregate, unless a later version of it is kept already. An aggregate
   * whose state can't be encoded as a snapshot is not kept (and an earlier copy is forgotten).
   */
  put(aggregate: Aggregate): void {
    const { id, version } = aggregate;
    const node = this.#nodes.get(id);
    if (node !== undefined && node.entry.version > version) return;
    let entry: Cached;
    try {
      entry = {
        version,
        snapshot: this.#mapper.fromDomainEvent(Snapshot.take(aggregate)),
        head: chainHeadOf(aggregate),
      };
    } catch {
      this.forget(id);
      return;
    }
    if (node !== undefined) {
      node.entry = entry;
      this.#use(node);
      return;
    }
    const added: Node = { id, entry, older: this.#newest, newer: undefined };
    if (this.#newest) this.#newest.newer = added;
    this.#newest = added;
    this.#oldest ??= added;
    this.#nodes.set(id, added);
    if (this.maxSize > 0 && this.#nodes.size > this.maxSize && this.#oldest) {
      this.forget(this.#oldest.id);
    }
  }

  /** Forgets the aggregate, if it is kept. */
  forget(id: string): void {
    const node = this.#nodes.get(id);
    if (node === undefined) return;
    this.#nodes.delete(id);
    this.#unlink(node);
  }

  /** Moves the node to the newest end. */
  #use(node: Node): void {
    if (node === this.#newest) return;
    this.#unlink(node);
    node.older = this.#newest;
    node.newer = undefined;
    if (this.#newest) this.#newest.newer = node;
    this.#newest = node;
    this.#oldest ??= node;
  }

  #unlink(node: Node): void {
    if (node.older) node.older.newer = node.newer;
    else this.#oldest = node.newer;
    if (node.newer) node.newer.older = node.older;
    else this.#newest = node.older;
    node.older = node.newer = undefined;
  }
}
