/** The event store: domain events in, domain events out, through a mapper and a recorder. */
import type { DomainEvent } from "@es/domain";
import type { Mapper } from "./mapper.js";
import type { AggregateRecorder, InsertEventsOptions, SelectEventsOptions } from "./recorders.js";

/** What an event store is made of. */
export interface EventStoreOptions<R extends AggregateRecorder> {
  /** Maps domain events to stored events and back. */
  readonly mapper: Mapper;
  /** Stores them. */
  readonly recorder: R;
}

/**
 * Domain events in, domain events out: each event is mapped to a stored event (transcoded,
 * compressed, encrypted) and recorded, and mapped back when read.
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

  constructor({ mapper, recorder }: EventStoreOptions<R>) {
    this.mapper = mapper;
    this.recorder = recorder;
  }

  /**
   * Stores the events atomically (with the tracking record, or the page's, for process
   * recorders); resolves to their notification ids, if the recorder assigns any.
   *
   * @throws IntegrityError if one of the events' versions is recorded already, or the page's
   *   notifications are tracked already: nothing is stored.
   */
  put(
    events: readonly DomainEvent[],
    options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    const stored = events.map((event) => this.mapper.fromDomainEvent(event));
    return this.recorder.insertEvents(stored, options);
  }

  /**
   * The events of one originator, selected by version (`gt`, `lte`), order and limit.
   *
   * @throws StoredEventDecodingError if a stored event can't be decrypted, decompressed or decoded.
   */
  async get<E extends DomainEvent = DomainEvent>(
    originatorId: string,
    options: SelectEventsOptions = {},
  ): Promise<E[]> {
    const stored = await this.recorder.selectEvents(originatorId, options);
    return stored.map((record) => this.mapper.toDomainEvent<E>(record));
  }
}
