/**
 * Change feeds: how a store tells its live subscriptions that notifications may have been
 * recorded, so that they read again at once rather than at their next poll. A signal is only a
 * hint. What a subscription reads never depends on it (the store's reads never let a reader skip
 * an id that can still be committed), so a spurious signal costs one read, and a lost one only
 * delays a subscription until its poll.
 */

/** Stops what `ChangeFeed.listen` started; resolves once none of it is left (timers, connections). */
export type StopListening = () => Promise<void>;

/**
 * Where a store's subscriptions hear that notifications may have been recorded: in-process
 * signals from its writes, polling a cheap counter, LISTEN/NOTIFY…
 */
export interface ChangeFeed {
  /**
   * Calls `listener` each time notifications may have been recorded, from when this resolves
   * until the returned function is called. Signals may be spurious and may be lost.
   */
  listen(listener: () => void): Promise<StopListening>;
}

/**
 * An in-process change feed: `notify()` calls every listener at once. A store's writes in this
 * process signal their subscriptions with one (no I/O, no timer).
 *
 * @example
 * ```ts
 * const commits = new ChangeNotifier();
 * const stop = await commits.listen(() => console.log("read again"));
 * commits.notify();
 * await stop();
 * ```
 */
export class ChangeNotifier implements ChangeFeed {
  readonly #listeners = new Set<() => void>();

  /** How many listeners there are now: none once every subscription on it has ended. */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  async listen(listener: () => void): Promise<StopListening> {
    const remove = this.add(listener);
    return async () => remove();
  }

  /**
   * Adds a listener at once (`listen` resolves a turn later); the returned function removes it.
   * The same function added twice is called twice.
   */
  add(listener: () => void): () => void {
    // A wrapper of its own, so that each registration is removed on its own.
    const entry = () => listener();
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /**
   * Calls every listener. They are called in the writer's turn, after its commit, so a
   * listener that throws is reported as an uncaught exception later rather than failing a write
   * that succeeded.
   */
  notify(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/**
 * A feed that starts what it listens with (a timer, a connection) when its first listener comes,
 * and stops it when its last one leaves: one timer or connection for any number of
 * subscriptions, and nothing once none is left.
 *
 * @example
 * ```ts
 * const polled = new SharedFeed(async (notify) => {
 *   const timer = setInterval(() => (changed() ? notify() : undefined), 10);
 *   return async () => clearInterval(timer);
 * });
 * ```
 */
export class SharedFeed implements ChangeFeed {
  readonly #start: (notify: () => void) => Promise<StopListening>;
  readonly #listeners = new ChangeNotifier();
  /** While there are listeners: what was started for them. */
  #running: Promise<StopListening> | undefined;

  /** @param start - starts listening, calling `notify` on each change; resolves to how to stop. */
  constructor(start: (notify: () => void) => Promise<StopListening>) {
    this.#start = start;
  }

  /** How many listeners there are now. */
  get listenerCount(): number {
    return this.#listeners.listenerCount;
  }

  /** Whether what the feed listens with is started (or starting): only while it has listeners. */
  get isRunning(): boolean {
    return this.#running !== undefined;
  }

  /** @throws what starting throws (the first listener's, and that of those who came meanwhile). */
  async listen(listener: () => void): Promise<StopListening> {
    const remove = this.#listeners.add(listener);
    this.#running ??= this.#start(() => this.#listeners.notify());
    const running = this.#running;
    try {
      await running;
    } catch (error) {
      remove();
      if (this.#running === running) this.#running = undefined;
      throw error;
    }
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      remove();
      await this.#stopIfUnused();
    };
  }

  async #stopIfUnused(): Promise<void> {
    const running = this.#running;
    if (this.#listeners.listenerCount > 0 || running === undefined) return;
    // A listener that comes while this one stops starts anew.
    this.#running = undefined;
    await (await running)();
  }
}

/** One feed that listens to every one of `feeds`. */
export function combinedFeed(feeds: readonly ChangeFeed[]): ChangeFeed {
  return {
    async listen(listener) {
      const stops: StopListening[] = [];
      try {
        for (const feed of feeds) stops.push(await feed.listen(listener));
      } catch (error) {
        await Promise.all(stops.map((stop) => stop()));
        throw error;
      }
      return async () => {
        await Promise.all(stops.map((stop) => stop()));
      };
    },
  };
}
