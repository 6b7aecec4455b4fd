/**
 * What processing one notification produced: the new events of the aggregates the policy
 * changed, in the order it collected them, and the tracking record of the notification. A
 * follower records both in one transaction, so a notification is processed exactly once.
 */
import type { Aggregate, DomainEvent } from "@es/domain";
import type { Tracking } from "@es/persistence-core";

/**
 * What a policy's processing of one notification produced: the policy collects the aggregates
 * it changed (`processEvent.collectEvents(counter)`), and the follower records their new events
 * with the notification's tracking record, in one transaction.
 */
export class ProcessEvent {
  /** The notification processed (its application's name and id), if any. */
  readonly tracking: Tracking | undefined;
  /** The new events collected, in the order they were collected. */
  readonly events: DomainEvent[] = [];
  /** The aggregates the events were collected from (for automatic snapshots). */
  readonly aggregates: Aggregate[] = [];

  constructor(tracking?: Tracking) {
    this.tracking = tracking;
  }

  /**
   * Collects the pending events of the aggregates, in the order given. They are recorded
   * with the tracking record when the policy returns, or not at all.
   */
  collectEvents(...aggregates: readonly (Aggregate | null | undefined)[]): void {
    for (const aggregate of aggregates) {
      if (!aggregate) continue;
      this.events.push(...aggregate.collectEvents());
      if (!this.aggregates.includes(aggregate)) this.aggregates.push(aggregate);
    }
  }

  /** `collectEvents` by its original name: a policy "saves" aggregates to the process event. */
  save(...aggregates: readonly (Aggregate | null | undefined)[]): void {
    this.collectEvents(...aggregates);
  }
}
