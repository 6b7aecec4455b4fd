/**
 * Rebuilds of views, as every store's view makes them: what a rebuild may still do, and the
 * order of its ends. A rebuild is under way until it is switched in, discarded, or replaced by
 * a later rebuild of its view; then its view refuses every use, since its tables are the live
 * view's now, or gone, or another rebuild's. Each store writes only how it switches and
 * discards; the checks and the states are here, once.
 */
import { ProgrammingError } from "./errors.js";
import type { TrackingRecorder } from "./recorders.js";
import type { View, ViewRebuild } from "./view.js";

/**
 * Whether a rebuild's view may be used: while its rebuild is under way. A view made for a
 * rebuild checks it before each use; the rebuild that `viewRebuild` makes ends it.
 */
export class RebuildGuard {
  /** The name of the view being rebuilt, as the guard's errors name it. */
  readonly viewName: string;
  /** How the rebuild ended (or is ending), once it has: "switched in", "discarded"… */
  #ended: string | undefined;
  /** Whether the end is for good (not a switch or discard still running, which may fail). */
  #final = false;

  constructor(viewName: string) {
    this.viewName = viewName;
  }

  /** Whether the rebuild has ended for good (switched in, discarded, or replaced). */
  get ended(): boolean {
    return this.#final;
  }

  /**
   * Refuses the use of a rebuild that has ended, or is ending.
   *
   * @throws ProgrammingError naming the view and how its rebuild ended.
   */
  check(): void {
    if (this.#ended !== undefined) throw this.#refusal();
  }

  /**
   * The tracking records of a rebuild's view: `recorder`'s while the rebuild is under way, and
   * after, a recorder whose every method rejects with the error of `check`.
   */
  tracking(recorder: TrackingRecorder): TrackingRecorder {
    if (this.#ended === undefined) return recorder;
    const refused = () => Promise.reject(this.#refusal());
    return {
      insertTracking: refused,
      maxTrackingId: refused,
      hasTrackingId: refused,
      wait: refused,
    };
  }

  #refusal(): ProgrammingError {
    return new ProgrammingError(
      `The rebuild of view '${this.viewName}' ${this.#final ? "has been" : "is being"} ${this.#ended}: it can't be used any more`,
    );
  }

  /** Ends the rebuild for good: its view is refused from now on. */
  end(how: string): void {
    this.#ended = how;
    this.#final = true;
  }

  /**
   * Runs `step` (a switch or a discard), refusing the rebuild's use meanwhile (`check` says it
   * is `how`), and ends the rebuild once `step` has succeeded. If it fails, the rebuild is under
   * way again, as it was (the step's transaction rolled back): it may be tried again, or
   * discarded.
   */
  async ending(how: string, step: () => Promise<void>): Promise<void> {
    this.check();
    this.#ended = how;
    try {
      await step();
    } catch (error) {
      this.#ended = undefined;
      throw error;
    }
    this.end(how);
  }
}

/** How a store switches a rebuild in, and discards it. */
export interface RebuildSteps {
  /** In one transaction: the live view's tables and tracking become the rebuild's. */
  switch(): Promise<void>;
  /** Drops what the rebuild built. */
  discard(): Promise<void>;
}

/**
 * A rebuild of a view, from the view being built (made with `guard`, which it checks) and the
 * store's steps: `switch` runs once (a second is refused), and `discard` after the rebuild has
 * ended does nothing (what it built is the live view's now, or dropped, or a later rebuild's).
 */
export function viewRebuild<S, V extends View<S>>(
  view: V,
  guard: RebuildGuard,
  steps: RebuildSteps,
): ViewRebuild<S, V> {
  return {
    view,
    switch: () => guard.ending("switched in", () => steps.switch()),
    discard: async () => {
      if (!guard.ended) await guard.ending("discarded", () => steps.discard());
    },
  };
}

/**
 * The guard of a view's new rebuild. A rebuild is of the live view, so a rebuild's view (one
 * with a guard of its own, `own`) is refused; and the view's earlier rebuild (`earlier`), if
 * still under way, ends: the new one drops what it built.
 *
 * @throws ProgrammingError naming the view, if `own` is given.
 */
export function beginRebuild(
  viewName: string,
  own: RebuildGuard | undefined,
  earlier: RebuildGuard | undefined,
): RebuildGuard {
  if (own !== undefined) {
    own.check();
    throw new ProgrammingError(
      `The view of a rebuild of view '${viewName}' can't be rebuilt: rebuild the view itself`,
    );
  }
  if (earlier?.ended === false) earlier.end("replaced by a later rebuild");
  return new RebuildGuard(viewName);
}
