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
import { type StoredEvent, storedEvent } from "./records.js";

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

  constructor({ mapper, recorder, chain }: EventStoreOptions<R>) {
    this.mapper = mapper;
    this.recorder = recorder;
    this.chain = chain;
  }

  /**
   * Stores the events atomically (with the tracking record, or the page's, for process
   * recorders); resolves to their notification ids, if the recorder assigns any. Without a
   * hash chain, an event (a snapshot) given a hash (`setHashOf`) is stored with it.
   *
   * @throws IntegrityError if one of the events' versions is recorded already, or the page's
   *   notifications are tracked already: nothing is stored.
   */
  async put(events: readonly DomainEvent[], options: PutOptions = {}): Promise<readonly number[]> {
    const { aggregates, ...insert } = options;
    let stored = events.map((event) => this.mapper.fromDomainEvent(event));
    if (this.chain) {
      const heads = new Map<string, ChainHead>();
      for (const aggregate of aggregates ?? []) {
        const head = chainHeadOf(aggregate);
        if (head) heads.set(aggregate.id, head);
      }
      stored = await this.chain.link(stored, (id, version) =>
        this.#previousHash(heads.get(id), id, version),
      );
    } else {
      // A snapshot given its head's hash is stored with it; other events have none.
      for (const [i, event] of events.entries()) {
        const hash = hashOf(event);
        if (hash) stored[i] = storedEvent({ ...(stored[i] as StoredEvent), hash });
      }
    }
    const ids = await this.recorder.insertEvents(stored, insert);
    if (this.chain) {
      for (const [i, record] of stored.entries()) setHashOf(events[i] as DomainEvent, record.hash);
      const byId = new Map((aggregates ?? []).map((aggregate) => [aggregate.id, aggregate]));
      for (const record of stored) {
        const aggregate = byId.get(record.originatorId);
        if (aggregate && record.hash) {
          setChainHeadOf(aggregate, { version: record.originatorVersion, hash: record.hash });
        }
      }
    }
    return ids;
  }

  /**
   * The events of one originator, selected by version (`gt`, `lte`), order and limit. With a
   * hash chain, an ascending selection is checked first: from the start (`gt` not given), or
   * from `after`.
   *
   * @throws IntegrityViolationError if the events read fail their hash chain's check.
   * @throws StoredEventDecodingError if a stored event can't be decrypted, decompressed or decoded.
   */
  async get<E extends DomainEvent = DomainEvent>(
    originatorId: string,
    options: GetEventsOptions = {},
  ): Promise<E[]> {
    const { after, ...select } = options;
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
    return stored.map((record) => {
      const event = this.mapper.toDomainEvent<E>(record);
      if (record.hash !== undefined) setHashOf(event, record.hash);
      return event;
    });
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

  /** The hash of the event before `version`: the aggregate's head, or read from the store. */
  async #previousHash(
    head: ChainHead | undefined,
    originatorId: string,
    version: number,
  ): Promise<Uint8Array | undefined> {
    if (head?.version === version - 1) return head.hash;
    const [before] = await this.recorder.selectEvents(originatorId, {
      lte: version - 1,
      desc: true,
      limit: 1,
    });
    return before?.originatorVersion === version - 1 ? before.hash : undefined;
  }
}
