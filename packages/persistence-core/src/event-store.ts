/** The event store: domain events in, domain events out, through a mapper and a recorder. */
import type { DomainEvent } from "@es/domain";
import type { Mapper } from "./mapper.js";
import type { AggregateRecorder, SelectEventsOptions } from "./recorders.js";
import type { Tracking } from "./records.js";

export interface EventStoreOptions<R extends AggregateRecorder> {
  readonly mapper: Mapper;
  readonly recorder: R;
}

export class EventStore<R extends AggregateRecorder = AggregateRecorder> {
  readonly mapper: Mapper;
  readonly recorder: R;

  constructor({ mapper, recorder }: EventStoreOptions<R>) {
    this.mapper = mapper;
    this.recorder = recorder;
  }

  /** Stores the events atomically (with the tracking record, for process recorders). */
  put(
    events: readonly DomainEvent[],
    options: { tracking?: Tracking } = {},
  ): Promise<readonly number[]> {
    const stored = events.map((event) => this.mapper.fromDomainEvent(event));
    return this.recorder.insertEvents(stored, options);
  }

  /** The events of one originator, selected by version (`gt`, `lte`), order and limit. */
  async get<E extends DomainEvent = DomainEvent>(
    originatorId: string,
    options: SelectEventsOptions = {},
  ): Promise<E[]> {
    const stored = await this.recorder.selectEvents(originatorId, options);
    return stored.map((record) => this.mapper.toDomainEvent<E>(record));
  }
}
