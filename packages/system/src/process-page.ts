/**
 * A page of notifications that a follower processes in one transaction: their process events,
 * in order, recorded together with one tracking record (the page's last notification), and the
 * aggregates their policies collected, which the page's later policies get instead of the
 * stored ones — so that processing a page gives what processing its notifications one at a time
 * would have given.
 */
import { AggregateNotFoundError, type GetOptions, type Repository } from "@es/application";
import type { Aggregate, AggregateEvent, DomainEvent } from "@es/domain";
import type { Page } from "@es/persistence-core";
import type { ProcessEvent } from "./process-event.js";

/** What a page reads aggregates from when it hasn't changed them: the follower's repository. */
export type StoredAggregates = Pick<Repository, "get" | "has">;

/**
 * The process events of a page of notifications of one upstream application, and what their
 * policies collected. Its `get` is what policies' `this.repository.get` becomes while the page
 * is processed (see `page-scope.ts`).
 */
export class ProcessPage {
  /** The upstream application whose notifications these are. */
  readonly applicationName: string;
  /** The position the page follows: the largest id tracked when it began. */
  readonly position: number;
  readonly #processEvents: ProcessEvent[] = [];
  /** Each aggregate the page's policies collected, as last collected (or since changed). */
  readonly #latest = new Map<string, Aggregate>();
  /** Each aggregate's events collected in the page, in order: to build it again. */
  readonly #collected = new Map<string, DomainEvent[]>();
  #closed = false;

  constructor(applicationName: string, position: number) {
    this.applicationName = applicationName;
    this.position = position;
  }

  /** How many notifications the page holds. */
  get size(): number {
    return this.#processEvents.length;
  }

  /** Whether any policy of the page has collected an aggregate, which later ones must get. */
  get changesAggregates(): boolean {
    return this.#latest.size > 0;
  }

  /** Whether the page is recorded or given up: its policies' gets then read the store. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The page's first and last notification ids, as a process recorder takes them. */
  get page(): Page {
    const first = this.#processEvents[0]?.tracking?.notificationId ?? this.position + 1;
    const last = this.#processEvents.at(-1)?.tracking?.notificationId ?? first;
    return { applicationName: this.applicationName, first, last };
  }

  /** The new events of every notification of the page, in order. */
  get events(): DomainEvent[] {
    return this.#processEvents.flatMap((processEvent) => processEvent.events);
  }

  /** The aggregates collected, each once, as last collected (for automatic snapshots). */
  get aggregates(): Aggregate[] {
    return [...this.#latest.values()];
  }

  /** Adds what a notification's policy produced, once the policy has returned. */
  add(processEvent: ProcessEvent): void {
    this.#processEvents.push(processEvent);
    for (const aggregate of processEvent.aggregates) this.#latest.set(aggregate.id, aggregate);
    for (const event of processEvent.events) {
      const events = this.#collected.get(event.originatorId);
      if (events) events.push(event);
      else this.#collected.set(event.originatorId, [event]);
    }
  }

  /** Ends the page: policies still running read the store from now on. */
  close(): void {
    this.#closed = true;
  }

  /**
   * The aggregate as the page's policies have left it: the very object last collected, when the
   * latest version is asked for and nothing has changed it since (no pending events); else one
   * built again from the store and the events the page collected, as the store would give it
   * had each notification been recorded on its own. Aggregates the page hasn't collected come
   * from the store.
   *
   * @throws AggregateNotFoundError if neither the store nor the page has any of its events.
   */
  async get<A extends Aggregate = Aggregate>(
    aggregateId: string,
    options: GetOptions,
    stored: StoredAggregates,
  ): Promise<A> {
    const latest = this.#latest.get(aggregateId);
    if (!latest) return stored.get<A>(aggregateId, options);
    const { version } = options;
    const whole = version === undefined || version >= latest.version;
    if (whole && latest.pendingEvents.length === 0) return latest as A;
    const built = await this.#build<A>(aggregateId, version, stored);
    // Changed since collected, and not collected again: what was collected is the latest.
    if (whole) this.#latest.set(aggregateId, built);
    return built;
  }

  /** Whether the store or the page has any of the aggregate's events. */
  async has(aggregateId: string, stored: StoredAggregates): Promise<boolean> {
    return this.#latest.has(aggregateId) || stored.has(aggregateId);
  }

  /** The aggregate at `version` (default latest) from the store, then the page's events. */
  async #build<A extends Aggregate>(
    aggregateId: string,
    version: number | undefined,
    stored: StoredAggregates,
  ): Promise<A> {
    let aggregate: A | null = await stored.get<A>(aggregateId, { version }).catch((error) => {
      if (error instanceof AggregateNotFoundError) return null;
      throw error;
    });
    const upTo = version ?? Number.POSITIVE_INFINITY;
    for (const event of this.#collected.get(aggregateId) ?? []) {
      const { originatorVersion } = event;
      if (originatorVersion > (aggregate?.version ?? 0) && originatorVersion <= upTo) {
        aggregate = (event as AggregateEvent).mutate(aggregate) as A;
      }
    }
    if (!aggregate) throw new AggregateNotFoundError(aggregateId);
    return aggregate;
  }
}
