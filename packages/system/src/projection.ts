/**
 * Projections: what turns an application's domain events into a read model's rows. A projection
 * names the topics it processes and how it processes one event into its view's session; a
 * `ProjectionRunner` feeds it pages of notifications, each in one transaction of the view, so
 * that each event is processed exactly once.
 */
import type { DomainEvent } from "@es/domain";
import type { Tracking } from "@es/persistence-core";

/**
 * How a read model is made from an application's domain events.
 *
 * `S` is the session of the view it writes to: a `Kysely<DB>` bound to the view's transaction
 * on SQLite and PostgreSQL, a copy of the state in memory. `process` runs inside the page's
 * transaction: what it writes commits with the page's tracking record, or not at all. One that
 * can write a page's events in a few statements has `processPage` instead.
 *
 * @example
 * ```ts
 * const counting: Projection<Kysely<CountsDB>> = {
 *   name: "counting",
 *   topics: [getTopic(World.SomethingHappened)],
 *   async process(event, db) {
 *     await db
 *       .insertInto("counts")
 *       .values({ originator_id: event.originatorId, count: 1 })
 *       .onConflict((c) => c.column("originator_id").doUpdateSet((eb) => ({ count: eb("counts.count", "+", 1) })))
 *       .execute();
 *   },
 * };
 * ```
 */
export interface Projection<S, E extends DomainEvent = DomainEvent> {
  /** The projection's name: what its errors and progress reports name. */
  readonly name: string;
  /**
   * The topics of the events it processes (`getTopic(World.SomethingHappened)`): the store
   * selects only those. Absent or empty, every event.
   */
  readonly topics?: readonly string[] | undefined;
  /**
   * Processes one event into the view: writes with `session`, in the page's transaction. An
   * error thrown here rolls the page back (no rows, no tracking) and stops the runner. (A
   * projection has this, or `processPage`.)
   *
   * @param tracking - the event's application and notification id.
   */
  process?(domainEvent: E, session: S, tracking: Tracking): void | Promise<void>;
  /**
   * Processes a page's events at once, in notification order: when a projection has it, the
   * runner calls it instead of `process`, once a page. What a page's events make can then be
   * written in a few statements rather than one an event (a multi-row upsert), which is what
   * makes a projection catch up about as fast as the store reads.
   */
  processPage?(events: readonly ProjectedEvent<E>[], session: S): void | Promise<void>;
}

/** An event of a page, as `processPage` gets it. */
export interface ProjectedEvent<E extends DomainEvent = DomainEvent> {
  /** The event, decoded by the application's mapper. */
  readonly domainEvent: E;
  /** The event's application and notification id. */
  readonly tracking: Tracking;
}
