/**
 * A view in memory, for tests and for projections whose state needn't outlive the process: the
 * reference semantics of the SQL views. Its transactions take turns (a promise chain), so two
 * runners can't both pass the check of pages that overlap; each transaction's body works on a
 * copy of the state that replaces it only if the body succeeds, so a failed page leaves
 * nothing behind. A rebuild is a second view of the same initial state, whose state and
 * tracking records become the view's in the view's turn.
 */

import { beginRebuild, type RebuildGuard, viewRebuild } from "../rebuild.js";
import type { TrackingRecorder, WaitOptions } from "../recorders.js";
import { type Tracking, tracking } from "../records.js";
import { identifier } from "../sql/identifiers.js";
import { withTracking } from "../tracking-delegate.js";
import { checkPage, type Page, pageRefused, type View, type ViewRebuild } from "../view.js";
import { waitForTracking } from "../wait-for-tracking.js";
import { InMemoryTrackingRecorder } from "./recorders.js";

/**
 * A view whose state is an object in memory. The state must be structured-cloneable (plain
 * objects, arrays, `Map`, `Set`, `Date`, typed arrays…; not functions or class instances,
 * which `structuredClone` turns into plain objects or refuses): each transaction's body works
 * on a `structuredClone` of it, which becomes the state when the body succeeds.
 *
 * @example
 * ```ts
 * const view = new InMemoryView("counts", () => ({ counts: new Map<string, number>() }));
 * await view.transaction({ applicationName: "Worlds", first: 1, last: 1 }, async (state) => {
 *   state.counts.set(id, (state.counts.get(id) ?? 0) + 1);
 * });
 * view.state.counts.get(id); // 1
 * ```
 */
export class InMemoryView<S> extends withTracking(Object) implements View<S> {
  /** The view's name, as its errors name it. */
  readonly name: string;
  readonly #initial: () => S;
  #state: S;
  #tracking = new InMemoryTrackingRecorder();
  /** Settles when the last transaction (or reset, or tracking record) queued has ended. */
  #turn: Promise<unknown> = Promise.resolve();
  /** Given, this view is a rebuild's, usable while the rebuild is under way. */
  readonly #guard: RebuildGuard | undefined;
  /** The guard of this view's latest rebuild, which a later one replaces. */
  #rebuilding: RebuildGuard | undefined;

  /**
   * @param name - the view's name: a plain identifier, as SQL views' names are.
   * @param initial - makes the state of an empty view (at first, and at each `reset`).
   * @param guard - given (by `rebuild()`), the view is a rebuild's, refused once the rebuild
   *   has ended.
   * @throws ProgrammingError naming the name if it isn't a plain identifier.
   */
  constructor(name: string, initial: () => S, guard?: RebuildGuard) {
    super();
    identifier(name, "view name");
    this.name = name;
    this.#initial = initial;
    this.#state = initial();
    this.#guard = guard;
  }

  /**
   * The view's state, as the last transaction that succeeded left it: for readers, who must
   * not change it (transactions replace it rather than change it).
   */
  get state(): S {
    this.#guard?.check();
    return this.#state;
  }

  /** Nothing to create in memory. */
  async createTable(): Promise<void> {
    this.#guard?.check();
  }

  /** Makes the state the initial one again, and forgets every tracking record. */
  async reset(): Promise<void> {
    this.#guard?.check();
    return this.#inTurn(() => {
      this.#state = this.#initial();
      this.#tracking = new InMemoryTrackingRecorder();
    });
  }

  async transaction<T>(page: Page, body: (session: S) => Promise<T>): Promise<T> {
    this.#guard?.check();
    checkPage(this.name, page);
    return this.#inTurn(async () => {
      const tracked = await this.#tracking.maxTrackingId(page.applicationName);
      if (tracked >= page.first) throw pageRefused(this.name, page, tracked);
      const draft = structuredClone(this.#state);
      const result = await body(draft);
      this.#state = draft;
      this.#tracking.record(tracking(page.applicationName, page.last));
      return result;
    });
  }

  /**
   * A rebuild: a view of the initial state, with no tracking records, whose state and tracking
   * records become this view's when it is switched in, in this view's turn (after the
   * transactions queued before it, and before those queued after).
   */
  async rebuild(): Promise<ViewRebuild<S, InMemoryView<S>>> {
    const guard = beginRebuild(this.name, this.#guard, this.#rebuilding);
    this.#rebuilding = guard;
    const view = new InMemoryView(this.name, this.#initial, guard);
    return viewRebuild(view, guard, {
      // The rebuild's transactions queued before the switch end first.
      switch: () =>
        this.#inTurn(() =>
          view.#inTurn(() => {
            this.#state = view.#state;
            this.#tracking = view.#tracking;
          }),
        ),
      discard: () => view.#inTurn(() => {}),
    });
  }

  /** Records a tracking record on its own, in turn with the transactions. */
  override async insertTracking(record: Tracking): Promise<void> {
    this.#guard?.check();
    return this.#inTurn(() => this.#tracking.insertTracking(record));
  }

  /** Waits on whichever tracking records the view has then, after a reset too. */
  override async wait(
    applicationName: string,
    notificationId: number,
    options?: WaitOptions,
  ): Promise<void> {
    this.#guard?.check();
    return waitForTracking(this, applicationName, notificationId, options);
  }

  protected get tracking(): TrackingRecorder {
    return this.#guard?.tracking(this.#tracking) ?? this.#tracking;
  }

  /** Runs `step` once every step queued before it has ended, however that ended. */
  #inTurn<T>(step: () => T | Promise<T>): Promise<T> {
    const result = this.#turn.then(step);
    this.#turn = result.catch(() => {});
    return result;
  }
}
