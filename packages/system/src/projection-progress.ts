/**
 * How far a projection runner has got, measured as it goes: what a progress bar draws while a
 * view catches up (position, head, events per second), and whether it has caught up.
 */

/** How far a projection's view has got. */
export interface ProjectionProgress {
  /** The projection's name. */
  readonly projection: string;
  /** The id of the last notification the view has processed. */
  readonly position: number;
  /** The application's largest notification id, as last read. */
  readonly head: number;
  /** Events processed since the runner started. */
  readonly processed: number;
  /** Events processed per second, over the last interval measured. */
  readonly eventsPerSecond: number;
  /** Whether the last read found all there was to read: the view is live, not catching up. */
  readonly caughtUp: boolean;
}

/** The interval between progress reports when none is given. */
const DEFAULT_INTERVAL_MS = 1000;

/** Counts what a runner processes, and tells its listener at most once an interval. */
export class ProgressMeter {
  readonly #projection: string;
  readonly #listener: ((progress: ProjectionProgress) => void) | undefined;
  readonly #intervalMs: number;
  #head = 0;
  #processed = 0;
  #caughtUp = false;
  #rate = 0;
  /** When the current interval began, and how many had been processed then. */
  #since = performance.now();
  #processedSince = 0;

  constructor(
    projection: string,
    listener: ((progress: ProjectionProgress) => void) | undefined,
    intervalMs = DEFAULT_INTERVAL_MS,
  ) {
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) {
      throw new RangeError(
        `progressIntervalMs of projection '${projection}' must be a number above 0, got ${String(intervalMs)}`,
      );
    }
    this.#projection = projection;
    this.#listener = listener;
    this.#intervalMs = intervalMs;
  }

  /** The progress at `position`. */
  progress(position: number): ProjectionProgress {
    return {
      projection: this.#projection,
      position,
      head: Math.max(this.#head, position),
      processed: this.#processed,
      eventsPerSecond: this.#rate,
      caughtUp: this.#caughtUp,
    };
  }

  /**
   * Counts a page processed up to `position`; `short` says the read found less than a page
   * (it read all there was). Reports at once when the runner has just caught up.
   */
  processed(count: number, short: boolean, position: number): void {
    this.#processed += count;
    const reached = short && !this.#caughtUp;
    this.#caughtUp = short;
    if (reached) this.#report(position);
  }

  /** Whether an interval has passed since the last report: time to read the head again. */
  due(): boolean {
    return performance.now() - this.#since >= this.#intervalMs;
  }

  /**
   * Records the head just read at `position` (and whether nothing is left to read, if known),
   * and reports.
   */
  measured(head: number, caughtUp: boolean | undefined, position: number): void {
    this.#head = head;
    if (caughtUp !== undefined) this.#caughtUp = caughtUp;
    this.#report(position);
  }

  #report(position: number): void {
    const now = performance.now();
    const seconds = (now - this.#since) / 1000;
    if (seconds > 0) this.#rate = (this.#processed - this.#processedSince) / seconds;
    this.#since = now;
    this.#processedSince = this.#processed;
    this.#listener?.(this.progress(position));
  }
}
