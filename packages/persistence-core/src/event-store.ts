/** The event store: domain events in, domain events out, through a mapper and a recorder. */
import type { DomainEvent } from "@es/domain";
import { type IntegrityViolation, IntegrityViolationError } from "./errors.js";
import { type ChainHead, chainHeadOf, hashOf, setChainHeadOf, setHashOf } from "./event-hashes.js";
import type { HashChain } from "./hash-chain.js";
import type { Mapper } from "./mapper.js";
import type {
  AggregateRecorder,
  ApplicationRecorder,
  InsertEventsOptions,
  SelectEventsOptions,
} from "./recorders.js";
import { type StoredEvent, storedEvent, type TextStoredEvent } from "./records.js";

/** What an event store is made of. */
export interface EventStoreOptions<R extends AggregateRecorder> {
  /** Maps domain events to stored events and back. */
  readonly mapper: Mapper;
  /** Stores them. */
  readonly recorder: R;
  /** Chains each event's hash to its aggregate's previous one, and checks chains read back. */
  readonly chain?: HashChain | undefined;
}

/** How events are put: what a recorder takes, and the aggregates they are of. */
export interface PutOptions extends InsertEventsOptions {
  /**
   * The aggregates whose events these are. With a hash chain, each one's head (from the read
   * that loaded it, or its last save) is the predecessor of its first new event, and moves to
   * its last new event once they are stored.
   */
  readonly aggregates?: readonly { readonly id: string }[] | undefined;
}

/** How events are got: the selection, and the head of the chain the selection follows. */
export interface GetEventsOptions extends SelectEventsOptions {
  /** The hash of the event at version `gt` (a snapshot's), against which the first is checked. */
  readonly after?: ChainHead | undefined;
}

/**
 * Domain events in, domain events out: each event is mapped to a stored event (transcoded,
 * compressed, encrypted) and recorded, and mapped back when read. With a hash chain, each
 * stored event is hashed, chained to its aggregate's previous event, and every run of events
 * read back is checked.
 *
 * @example
 * ```ts
 * const store = new EventStore({ mapper: new Mapper({ transcoder: new JSONTranscoder() }), recorder });
 * await store.put(world.collectEvents());
 * const events = await store.get(world.id, { gt: 1 });
 * ```
 */
export class EventStore<R extends AggregateRecorder = AggregateRecorder> {
  /** Maps domain events to stored events and back. */
  readonly mapper: Mapper;
  /** Stores them. */
  readonly recorder: R;
  /** The application's hash chains, if its events are hashed. */
  readonly chain: HashChain | undefined;

  /**
   * Whether `get` reads states as text: cheaper where the recorder's driver hands over text
   * more cheaply than bytes, and only where the text is all the mapper needs.
   */
  readonly #readsText: boolean;

  constructor({ mapper, recorder, chain }: EventStoreOptions<R>) {
    this.mapper = mapper;
    this.recorder = recorder;
    this.chain = chain;
    this.#readsText =
      chain === undefined && mapper.readsText && recorder.selectEventsAsText !== undefined;
  }

  /**
   * Stores the events atomically (with the tracking record, or the page's, for process
   * recorders); resolves to their notification ids, if the recorder assigns any. Without a
   * hash chain, an event (a snapshot) given a hash (`setHashOf`) is stored with it.
   *
   * @throws IntegrityError if one of the events' versions is recorded already, or the page's
   *   notifications are tracked already: nothing is stored.
   */
  put(events: readonly DomainEvent[], options: PutOptions = {}): Promise<readonly number[]> {
    // Not an async function: without a chain, the recorder's promise is returned as it is (an
    // async function would wrap it in another, a few more turns of the microtask queue a save).
    try {
      const stored = events.map((event) => this.mapper.fromDomainEvent(event));
      if (this.chain) return this.#putChained(this.chain, stored, options);
      // A snapshot given its head's hash is stored with it; other events have none.
      for (let i = 0; i < events.length; i++) {
        const hash = hashOf(events[i] as DomainEvent);
        if (hash) stored[i] = storedEvent({ ...(stored[i] as StoredEvent), hash });
      }
      return this.recorder.insertEvents(stored, insertOptions(options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `put` with a hash chain: each event linked to its predecessor, each aggregate's head moved. */
  async #putChained(
    chain: HashChain,
    stored: StoredEvent[],
    options: PutOptions,
  ): Promise<readonly number[]> {
    const { aggregates } = options;
    const byId = new Map((aggregates ?? []).map((aggregate) => [aggregate.id, aggregate]));
    const headHash = (id: string, version: number) => {
      const aggregate = byId.get(id);
      const head = aggregate && chainHeadOf(aggregate);
      return head?.version === version - 1 ? head.hash : undefined;
    };
    // A predecessor neither earlier in the batch nor its aggregate's head (an aggregate saved
    // by an instance that didn't read it) is read from the store first.
    const read = new Map<string, Uint8Array | undefined>();
    let batch: Set<string> | undefined;
    for (const { originatorId: id, originatorVersion: version } of stored) {
      if (version === 1 || headHash(id, version)) continue;
      batch ??= new Set(stored.map((e) => versionKey(e.originatorId, e.originatorVersion)));
      if (!batch.has(versionKey(id, version - 1))) {
        read.set(versionKey(id, version), await this.#storedHash(id, version - 1));
      }
    }
    const linked = chain.link(
      stored,
      (id, version) => headHash(id, version) ?? read.get(versionKey(id, version)),
    );
    const ids = await this.recorder.insertEvents(linked, insertOptions(options));
    for (const { originatorId, originatorVersion: version, hash } of linked) {
      const aggregate = byId.get(originatorId);
      if (aggregate && hash) setChainHeadOf(aggregate, { version, hash });
    }
    return ids;
  }

  /**
   * The events of one originator, selected by version (`gt`, `lte`), order and limit. With a
   * hash chain, an ascending selection is checked first: from the start (`gt` not given), or
   * from `after`. The last event read has its stored hash (`hashOf`), if it has one. Without a
   * chain, states are read as text where the recorder can (`selectEventsAsText`) and the
   * mapper's states are text (`Mapper.readsText`).
   *
   * @throws IntegrityViolationError if the events read fail their hash chain's check.
   * @throws StoredEventDecodingError if a stored event can't be decrypted, decompressed or decoded.
   */
  async get<E extends DomainEvent = DomainEvent>(
    originatorId: string,
    options: GetEventsOptions = {},
  ): Promise<E[]> {
    const { after, ...select } = options;
    if (this.#readsText) {
      const recorder = this.recorder as Required<Pick<AggregateRecorder, "selectEventsAsText">>;
      return this.#decoded(await recorder.selectEventsAsText(originatorId, select));
    }
    const stored = await this.recorder.selectEvents(originatorId, select);
    if (this.chain && !select.desc) {
      const from =
        after ??
        (select.gt === undefined
          ? { version: 0, hash: this.chain.genesis(originatorId) }
          : undefined);
      const violation = this.chain.check(stored, from);
      if (violation) throw new IntegrityViolationError(await this.#located(violation, stored));
    }
    return this.#decoded(stored);
  }

  /** The stored events as domain events, the last with its stored hash (`hashOf`), if any. */
  #decoded<E extends DomainEvent>(stored: readonly (StoredEvent | TextStoredEvent)[]): E[] {
    const events = stored.map((record) => this.mapper.toDomainEvent<E>(record));
    // The last event's hash is the head a save continues the chain from (a snapshot's, the
    // head of its aggregate's chain at its version).
    const last = stored.at(-1);
    if (last?.hash !== undefined) setHashOf(events.at(-1) as E, last.hash);
    return events;
  }

  /**
   * The violation with the notification id of the event it was found at (for a version missing,
   * the event read in its place), where the recorder can say.
   */
  async #located(
    violation: IntegrityViolation,
    stored: readonly StoredEvent[],
  ): Promise<IntegrityViolation> {
    const recorder = this.recorder as Partial<ApplicationRecorder>;
    const { originatorId, originatorVersion } = violation;
    if (
      !recorder.notificationIdOf ||
      originatorId === undefined ||
      originatorVersion === undefined
    ) {
      return violation;
    }
    const at =
      violation.kind === "missing"
        ? stored.find((event) => event.originatorVersion > originatorVersion)?.originatorVersion
        : originatorVersion;
    const notificationId =
      at === undefined
        ? undefined
        : await recorder.notificationIdOf(originatorId, at).catch(() => undefined);
    return notificationId === undefined ? violation : { ...violation, notificationId };
  }

  /** The hash of an event, read from the store (none if it has none, or isn't there). */
  async #storedHash(originatorId: string, version: number): Promise<Uint8Array | undefined> {
    const [event] = await this.recorder.selectEvents(originatorId, {
      gt: version - 1,
      lte: version,
    });
    return event?.hash;
  }
}

const NO_OPTIONS: InsertEventsOptions = Object.freeze({});

/** What a recorder takes of `put`'s options: the aggregates are the event store's alone. */
const insertOptions = ({ tracking, page }: PutOptions): InsertEventsOptions =>
  tracking === undefined && page === undefined ? NO_OPTIONS : { tracking, page };

function versionKey(originatorId: string, version: number): string {
  return `${version}\u0000${originatorId}`;
}
