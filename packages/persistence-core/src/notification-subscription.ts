/**
 * A recorder's live subscription, written once for every store. It reads the notifications
 * after a position a page at a time (`selectNotifications`), yields each, and goes on after the
 * last one it yielded. A page that comes back short means it has caught up: it waits for the
 * store's change feed or its poll interval, whichever comes first, and reads again.
 *
 * It never misses a notification because `selectNotifications` never lets a reader go past an
 * id that can still be committed (commit order in memory and on SQLite, the readers' bound on
 * PostgreSQL), and never repeats one because it always goes on after the last id it yielded.
 * Signals decide only when it reads, not what it finds: a spurious one costs a read, a lost one
 * delays it until the poll.
 */
import type { ChangeFeed } from "./change-feed.js";
import { notificationSelection } from "./notification-selection.js";
import type { ApplicationRecorder } from "./recorders.js";
import type { Notification } from "./records.js";
import { type Subscription, subscription } from "./subscription.js";

/** Which notifications a subscription follows, and how. */
export interface SubscribeOptions {
  /** Only notifications after this id: a whole number, 0 (the default) for all of them. */
  readonly after?: number | undefined;
  /** Only the notifications of these topics; empty or absent, all of them. */
  readonly topics?: readonly string[] | undefined;
  /** Ends the subscription when aborted, as `return()` does (done, not an error). */
  readonly signal?: AbortSignal | undefined;
  /** How many notifications one read asks for, at most (default 100). */
  readonly pageSize?: number | undefined;
  /**
   * Milliseconds a subscription that has caught up waits for a change signal before it reads
   * anyway (default 1000): how late it may be when a signal is lost, or never sent.
   */
  readonly pollIntervalMs?: number | undefined;
}

/** A subscription's options, checked, with their defaults. */
export interface CheckedSubscribeOptions {
  /** The id after which notifications are followed. */
  readonly after: number;
  /** The topics followed, each once; undefined for every topic. */
  readonly topics: readonly string[] | undefined;
  /** The caller's signal, if any. */
  readonly signal: AbortSignal | undefined;
  /** Notifications per read, at most. */
  readonly pageSize: number;
  /** Milliseconds between reads while nothing is signalled. */
  readonly pollIntervalMs: number;
}

/** Notifications per read when no `pageSize` is given. */
const DEFAULT_PAGE_SIZE = 100;
/** The poll interval when none is given. */
const DEFAULT_POLL_INTERVAL_MS = 1000;
/** The longest a timer can wait (Node.js fires longer ones at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

const describe = (value: unknown) => (value === null ? "null" : typeof value);

/**
 * Checks a subscription's options, as every recorder's `subscribe` does before it returns (the
 * topics as `selectNotifications` checks them).
 *
 * @throws TypeError naming an option of the wrong type (`after` not a number, `topics` not an
 *   array of strings, `signal` not an AbortSignal).
 * @throws RangeError naming an option out of range (`after` negative or fractional, `pageSize`
 *   below 1, `pollIntervalMs` not positive).
 */
export function checkSubscribeOptions(options: SubscribeOptions = {}): CheckedSubscribeOptions {
  const { topics } = notificationSelection(0, 0, options, "subscribe");
  const { after = 0, signal, pageSize = DEFAULT_PAGE_SIZE } = options;
  const { pollIntervalMs = DEFAULT_POLL_INTERVAL_MS } = options;
  if (typeof after !== "number") {
    throw new TypeError(`subscribe option 'after' must be a number, got ${describe(after)}`);
  }
  if (!Number.isSafeInteger(after) || after < 0) {
    throw new RangeError(
      `subscribe option 'after' must be a whole number, 0 or more, got ${after}`,
    );
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(
      `subscribe option 'signal' must be an AbortSignal, got ${describe(signal)}`,
    );
  }
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new RangeError(
      `subscribe option 'pageSize' must be a whole number, 1 or more, got ${String(pageSize)}`,
    );
  }
  if (
    typeof pollIntervalMs !== "number" ||
    !(pollIntervalMs > 0 && pollIntervalMs <= MAX_TIMER_MS)
  ) {
    throw new RangeError(
      `subscribe option 'pollIntervalMs' must be a number of milliseconds above 0, up to ${MAX_TIMER_MS}, got ${String(pollIntervalMs)}`,
    );
  }
  return { after, topics, signal, pageSize, pollIntervalMs };
}

/**
 * A live subscription to a recorder's notifications: what every recorder's `subscribe` returns,
 * given the store's change feed. It catches up from `options.after`, then follows the log.
 *
 * @example
 * ```ts
 * class MyApplicationRecorder implements ApplicationRecorder {
 *   readonly changes = new ChangeNotifier(); // notified after each insert
 *   subscribe(options?: SubscribeOptions): Subscription<Notification> {
 *     return notificationSubscription(this, this.changes, options);
 *   }
 * }
 * ```
 * @throws TypeError, RangeError (at once) naming an option that is bad (see
 *   `checkSubscribeOptions`).
 */
export function notificationSubscription(
  reader: Pick<ApplicationRecorder, "selectNotifications">,
  changes: ChangeFeed,
  options?: SubscribeOptions,
): Subscription<Notification> {
  const checked = checkSubscribeOptions(options);
  return subscription(async function* (signal) {
    for await (const page of follow(reader, changes, checked, signal)) {
      for (const notification of page) {
        if (signal.aborted) return;
        yield notification;
      }
    }
  }, checked.signal);
}

/**
 * The same subscription a read at a time: each value is what one read found (at most
 * `pageSize` notifications, in id order) — what a projection processes in one transaction. A
 * read that finds nothing after a full page gives an empty page: the subscription has caught up
 * (a read that comes back short, but not empty, says so too). What every recorder's
 * `subscribePages` returns.
 *
 * @example
 * ```ts
 * subscribePages(options?: SubscribeOptions): Subscription<readonly Notification[]> {
 *   return notificationPages(this, this.changes, options);
 * }
 * ```
 * @throws TypeError, RangeError (at once) naming an option that is bad.
 */
export function notificationPages(
  reader: Pick<ApplicationRecorder, "selectNotifications">,
  changes: ChangeFeed,
  options?: SubscribeOptions,
): Subscription<readonly Notification[]> {
  const checked = checkSubscribeOptions(options);
  return subscription((signal) => follow(reader, changes, checked, signal), checked.signal);
}

async function* follow(
  reader: Pick<ApplicationRecorder, "selectNotifications">,
  changes: ChangeFeed,
  { after, topics, pageSize, pollIntervalMs }: CheckedSubscribeOptions,
  signal: AbortSignal,
): AsyncGenerator<readonly Notification[], void, undefined> {
  // Listening before the first read, so that a change made while it reads is heard.
  let changed = false;
  let wake: (() => void) | undefined;
  const stopListening = await changes.listen(() => {
    changed = true;
    wake?.();
  });
  try {
    const filter = topics === undefined ? undefined : { topics };
    let next = after + 1;
    // Whether the last read found a full page: then one that finds nothing says so.
    let full = false;
    while (!signal.aborted) {
      changed = false;
      const page = await reader.selectNotifications(next, pageSize, filter);
      const last = page.at(-1);
      if (signal.aborted) return;
      if (last !== undefined) next = last.id + 1;
      if (last !== undefined || full) yield page;
      full = page.length === pageSize;
      // A full page may have more behind it, and a change heard meanwhile may have too.
      if (page.length < pageSize && !changed) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener("abort", done);
            wake = undefined;
            resolve();
          };
          const timer = setTimeout(done, pollIntervalMs);
          signal.addEventListener("abort", done);
          wake = done;
          if (signal.aborted) done();
        });
      }
    }
  } finally {
    wake = undefined;
    await stopListening();
  }
}
