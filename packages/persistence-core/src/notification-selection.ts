/**
 * The arguments of `selectNotifications`, checked and made whole the same way for every
 * recorder, in the form a store selects by: a start and a limit that are whole and not
 * negative, an exclusive upper end of the ids, and a list of topics without repeats.
 */
import type { SelectNotificationsOptions } from "./recorders.js";

/** What a `selectNotifications` call selects, checked. */
export interface NotificationSelection {
  /** The first id wanted: a whole number, 0 or more. */
  readonly start: number;
  /** How many at most: a whole number, 0 or more. */
  readonly limit: number;
  /** Only ids below this (the `stop` given, plus one; 0 or less selects nothing), if given. */
  readonly end: number | undefined;
  /** Only the notifications of these topics, each listed once; undefined selects every topic. */
  readonly topics: readonly string[] | undefined;
}

const describe = (value: unknown) =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;

/**
 * Checks a `selectNotifications` call's arguments. A start or limit with a fraction is rounded
 * down, and a negative one is 0; a stop past the largest safe integer is no stop at all (ids
 * never get there), and one below the start selects nothing.
 *
 * @throws TypeError if the options are not an object, `topics` is not an array of strings (a
 *   single topic string, say), or `stop` is not a number.
 * @throws RangeError if `stop` is not an integer.
 * @param caller - what the errors name as having been given the options (a subscription's
 *   `subscribe` checks its topics here too).
 */
export function notificationSelection(
  start: number,
  limit: number,
  options: SelectNotificationsOptions = {},
  caller = "selectNotifications",
): NotificationSelection {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${caller} options must be an object, got ${describe(options)}`);
  }
  return {
    start: Math.max(0, Math.floor(start)),
    limit: Math.max(0, Math.floor(limit)),
    end: endOf(options.stop, caller),
    topics: topicsOf(options.topics, caller),
  };
}

function endOf(stop: unknown, caller: string): number | undefined {
  if (stop === undefined) return undefined;
  if (typeof stop !== "number") {
    throw new TypeError(`${caller} stop must be a number, got ${describe(stop)}`);
  }
  if (!Number.isInteger(stop)) {
    throw new RangeError(`${caller} stop must be an integer, got ${stop}`);
  }
  if (stop >= Number.MAX_SAFE_INTEGER) return undefined;
  return Math.max(0, stop + 1);
}

function topicsOf(topics: unknown, caller: string): readonly string[] | undefined {
  if (topics === undefined) return undefined;
  if (!Array.isArray(topics)) {
    throw new TypeError(`${caller} topics must be an array of strings, got ${describe(topics)}`);
  }
  topics.forEach((topic: unknown, index) => {
    if (typeof topic !== "string") {
      throw new TypeError(`${caller} topics[${index}] must be a string, got ${describe(topic)}`);
    }
  });
  return topics.length === 0 ? undefined : [...new Set<string>(topics)];
}
