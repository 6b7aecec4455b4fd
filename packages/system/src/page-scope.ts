/**
 * What a follower's policies see of the page being processed. A policy gets aggregates with
 * `this.repository.get(id)`, as any method of the application does; while a page is processed,
 * its policies must get the aggregates the page's earlier policies changed (collected, not yet
 * recorded), and every other caller — a query, a command, a pull of another application — must
 * not. JavaScript interleaves them all on one thread, so the follower tells its policies' calls
 * apart by where they come from: each policy runs in an async context (`AsyncLocalStorage`)
 * that names the follower and the page, and the follower's repository consults the page only in
 * that context.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { GetOptions } from "@es/application";
import type { Aggregate } from "@es/domain";
import type { ProcessPage, StoredAggregates } from "./process-page.js";

interface Scope {
  readonly follower: object;
  readonly page: ProcessPage;
}

const scopes = new AsyncLocalStorage<Scope>();

/**
 * Runs a policy of `follower` (`fn`) so that its gets see `page`. A page whose policies have
 * changed nothing yet has nothing to show, so its policies run as they are: a follower whose
 * pages hold one notification, or whose policies change nothing, never starts async contexts
 * (which, on Node 20, once started, slow every promise of the process a little).
 */
export function inPage<T>(follower: object, page: ProcessPage, fn: () => T): T {
  return page.changesAggregates ? scopes.run({ follower, page }, fn) : fn();
}

/** The page being processed by the policy of `follower` that is calling, if any. */
function pageOf(follower: object): ProcessPage | undefined {
  const scope = scopes.getStore();
  return scope?.follower === follower && !scope.page.closed ? scope.page : undefined;
}

/**
 * A follower's repository: the stored aggregates, except that a policy processing a page gets
 * the aggregates the page has changed as the page left them.
 */
export class PolicyRepository implements StoredAggregates {
  readonly #follower: object;
  readonly #stored: StoredAggregates;

  constructor(follower: object, stored: StoredAggregates) {
    this.#follower = follower;
    this.#stored = stored;
  }

  get<A extends Aggregate = Aggregate>(aggregateId: string, options: GetOptions = {}): Promise<A> {
    const page = pageOf(this.#follower);
    return page
      ? page.get<A>(aggregateId, options, this.#stored)
      : this.#stored.get<A>(aggregateId, options);
  }

  has(aggregateId: string): Promise<boolean> {
    const page = pageOf(this.#follower);
    return page ? page.has(aggregateId, this.#stored) : this.#stored.has(aggregateId);
  }
}
