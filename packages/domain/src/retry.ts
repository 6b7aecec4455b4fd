/**
 * Retrying an async operation that fails with a transient error (the Python original's
 * `@retry`, used by database recorders to ride over dropped connections).
 */

type ErrorClass = abstract new (...args: never[]) => Error;

/** When and how often `retry` tries again. */
export interface RetryOptions {
  /** Error classes worth retrying (default: `Error`, i.e. any error). */
  readonly errors?: ErrorClass | readonly ErrorClass[];
  /** How many attempts in all (default 1: no retry). */
  readonly maxAttempts?: number;
  /** Seconds to wait between attempts, with ±5% jitter (default 0). */
  readonly wait?: number;
  /** Seconds to wait before the first attempt (default 0). */
  readonly stall?: number;
}

interface CheckedOptions {
  readonly errors: readonly ErrorClass[];
  readonly maxAttempts: number;
  readonly wait: number;
  readonly stall: number;
}

function check(options: RetryOptions): CheckedOptions {
  const given = options.errors ?? Error;
  const errors: readonly ErrorClass[] = Array.isArray(given) ? given : [given as ErrorClass];
  for (const cls of errors) {
    if (typeof cls !== "function" || !(cls === Error || cls.prototype instanceof Error)) {
      throw new TypeError(`retry: ${String(cls)} is not an error class`);
    }
  }
  const { maxAttempts = 1, wait = 0, stall = 0 } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new TypeError(
      `retry: maxAttempts must be a positive integer, got ${String(maxAttempts)}`,
    );
  }
  for (const [name, value] of [
    ["wait", wait],
    ["stall", stall],
  ] as const) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new TypeError(
        `retry: ${name} must be a non-negative number of seconds, got ${String(value)}`,
      );
    }
  }
  return { errors, maxAttempts, wait, stall };
}

const sleep = (seconds: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000));

/**
 * Wraps an async function so that the given errors are retried; options are checked at once.
 *
 * @example
 * ```ts
 * const fetchSection = retry((id: string) => client.section(id), {
 *   errors: OperationalError,
 *   maxAttempts: 3,
 *   wait: 0.5,
 * });
 * ```
 * @throws TypeError at once, for options that are not error classes or not positive numbers.
 */
export function retry<Args extends unknown[], R>(
  fn: (...args: Args) => Promise<R>,
  options: RetryOptions = {},
): (...args: Args) => Promise<R> {
  const { errors, maxAttempts, wait, stall } = check(options);
  return async function retrying(this: unknown, ...args: Args): Promise<R> {
    if (stall > 0) await sleep(stall);
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn.apply(this, args);
      } catch (error) {
        const retryable = errors.some((cls) => error instanceof cls);
        if (!retryable || attempt >= maxAttempts) throw error;
        if (wait > 0) await sleep(wait * (0.95 + Math.random() * 0.1));
      }
    }
  };
}
