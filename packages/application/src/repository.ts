/**
 * The repository reconstructs aggregates from their events, starting from the
 * latest snapshot at or below the requested version when there is a snapshot store.
 */
import type { Aggregate, AggregateEvent, Snapshot } from "@es/domain";
import type { EventStore } from "@es/persistence-core";
import { AggregateNotFoundError } from "./errors.js";

export interface RepositoryOptions {
  readonly eventStore: EventStore;
  readonly snapshotStore?: EventStore | null | undefined;
}

export interface GetOptions {
  /** The version wanted; the highest there is when it asks for more. */
  readonly version?: number | undefined;
}

export class Repository {
  readonly eventStore: EventStore;
  readonly snapshotStore: EventStore | null;

  constructor({ eventStore, snapshotStore }: RepositoryOptions) {
    this.eventStore = eventStore;
    this.snapshotStore = snapshotStore ?? null;
  }

  /** The aggregate at `version` (default: latest); `AggregateNotFoundError` if it has no events. */
  async get<A extends Aggregate = Aggregate>(
    aggregateId: string,
    options: GetOptions = {},
  ): Promise<A> {
    const { version } = options;
    let aggregate: A | null | undefined = null;
    let gt: number | undefined;
    if (this.snapshotStore) {
      const [snapshot] = await this.snapshotStore.get<Snapshot>(aggregateId, {
        desc: true,
        limit: 1,
        lte: version,
      });
      if (snapshot) {
        aggregate = snapshot.mutate<A>();
        gt = snapshot.originatorVersion;
      }
    }
    const events = await this.eventStore.get<AggregateEvent>(aggregateId, { gt, lte: version });
    for (const event of events) aggregate = event.mutate(aggregate);
    if (!aggregate) throw new AggregateNotFoundError(aggregateId);
    return aggregate;
  }

  /** Whether the aggregate has any events. */
  async has(aggregateId: string): Promise<boolean> {
    return (await this.eventStore.get(aggregateId, { limit: 1 })).length > 0;
  }
}
