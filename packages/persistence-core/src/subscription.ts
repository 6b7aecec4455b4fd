/**
 * Subscriptions: async iterables that can be ended at any moment, promptly. An async generator
 * alone can't be: `return()` called while a `next()` is pending waits behind it, and a pending
 * `next()` of a live subscription may be waiting for a change that never comes. So a
 * subscription runs its generator with an abort signal of its own, which `return()` (and the
 * caller's signal) aborts first: the generator's waits end at once, and so does it.
 */

/**
 * A live stream of values that can be ended: iterate it with `for await`, and `break`, call
 * `return()` or abort the signal it was given to end it. Once ended, nothing of it is left (no
 * listener, timer or connection), and `next()` is done.
 */
export interface Subscription<T> extends AsyncIterable<T> {
  /** The next value, waiting for one if need be; done once the subscription has ended. */
  next(): Promise<IteratorResult<T, void>>;
  /**
   * Ends the subscription: a pending `next()` resolves as done, and this resolves once what the
   * subscription listened with is released. Again: nothing.
   */
  return(): Promise<IteratorResult<T, void>>;
  /** The subscription itself: `for await (const value of subscription)`. */
  [Symbol.asyncIterator](): Subscription<T>;
}

/**
 * A subscription of the values `body` yields. `body` gets an abort signal: aborted by
 * `return()`, or by `signal`, it must stop waiting and return (ending as done, not failing).
 *
 * @example
 * ```ts
 * const ticks = subscription(async function* (signal) {
 *   for (let i = 0; !signal.aborted; i++) {
 *     yield i;
 *     await sleep(1000, undefined, { signal }).catch(() => {});
 *   }
 * });
 * ```
 */
export function subscription<T>(
  body: (signal: AbortSignal) => AsyncGenerator<T, void, undefined>,
  signal?: AbortSignal,
): Subscription<T> {
  return new AbortableSubscription(body, signal);
}

class AbortableSubscription<T> implements Subscription<T> {
  readonly #controller = new AbortController();
  readonly #generator: AsyncGenerator<T, void, undefined>;
  readonly #release: () => void;

  constructor(
    body: (signal: AbortSignal) => AsyncGenerator<T, void, undefined>,
    outer: AbortSignal | undefined,
  ) {
    const abort = () => this.#controller.abort(outer?.reason);
    if (outer?.aborted) abort();
    else outer?.addEventListener("abort", abort, { once: true });
    // The caller's signal may outlive the subscription: it keeps no listener of it once ended.
    this.#release = () => outer?.removeEventListener("abort", abort);
    const signal = this.#controller.signal;
    const release = this.#release;
    this.#generator = (async function* () {
      try {
        yield* body(signal);
      } finally {
        release();
      }
    })();
  }

  next(): Promise<IteratorResult<T, void>> {
    return this.#generator.next();
  }

  return(): Promise<IteratorResult<T, void>> {
    this.#controller.abort();
    // A generator that never started runs no `finally`.
    this.#release();
    return this.#generator.return(undefined);
  }

  [Symbol.asyncIterator](): Subscription<T> {
    return this;
  }
}
