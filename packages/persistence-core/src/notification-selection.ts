/**
 * The arguments of `selectNotifications` and `selectEvents`, checked and made whole the same
 * way for every recorder, in the form a store selects by: a start and a limit that are whole,
 * not negative and within what a driver binds, an exclusive upper end of the ids, a list of
 * topics without repeats, and version bounds that are whole. A wrong type or a NaN is refused
 * here by name, rather than becoming a driver's error or quietly selecting nothing.
 */
import type { SelectEventsOptions, SelectNotificationsOptions } from "./recorders.js";

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
 *   single topic string, say), or `start`, `limit` or `stop` is not a number.
 * @throws RangeError if `start` or `limit` is NaN, or `stop` is not an integer.
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
    start: countOf(start, "start", caller),
    limit: countOf(limit, "limit", caller),
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

/**
 * A start or limit as a whole number from 0 to the largest safe integer: a fraction is rounded
 * down, a negative number is 0, and a larger one (Infinity too) is the largest safe integer,
 * which no store holds as many of (and every driver binds).
 */
function countOf(value: unknown, name: string, caller: string): number {
  if (typeof value !== "number") {
    throw new TypeError(`${caller} ${name} must be a number, got ${describe(value)}`);
  }
  if (Number.isNaN(value)) throw new RangeError(`${caller} ${name} must be a number, not NaN`);
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.floor(value)));
}

/** What a `selectEvents` call selects, checked. */
export interface EventSelection {
  /** Only versions greater than this (a safe integer), if given. */
  readonly gt: number | undefined;
  /** Only versions less than or equal to this (a safe integer), if given. */
  readonly lte: number | undefined;
  /** Newest first. */
  readonly desc: boolean;
  /** At most this many (a whole number from 0 to the largest safe integer), if given. */
  readonly limit: number | undefined;
}

/**
 * Checks a `selectEvents` call's options. A limit is read as `selectNotifications` reads one;
 * a bound beyond the safe integers is no bound (`lte`, or `gt` below them) or past every
 * version (`gt` above them, `lte` below them), as versions are safe integers.
 *
 * @throws TypeError if the options are not an object, `gt`, `lte` or `limit` is not a number,
 *   or `desc` is not a boolean.
 * @throws RangeError if `gt` or `lte` is not an integer (NaN included), or `limit` is NaN.
 */
export function eventSelection(
  options: SelectEventsOptions = {},
  caller = "selectEvents",
): EventSelection {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${caller} options must be an object, got ${describe(options)}`);
  }
  const { gt, lte, desc, limit } = options;
  if (desc !== undefined && typeof desc !== "boolean") {
    throw new TypeError(`${caller} desc must be a boolean, got ${describe(desc)}`);
  }
  const lower = boundOf(gt, "gt", caller);
  const upper = boundOf(lte, "lte", caller);
  return {
    gt:
      lower === undefined || lower < Number.MIN_SAFE_INTEGER
        ? undefined
        : Math.min(lower, Number.MAX_SAFE_INTEGER),
    lte:
      upper === undefined || upper > Number.MAX_SAFE_INTEGER
        ? undefined
        : Math.max(upper, Number.MIN_SAFE_INTEGER),
    desc: desc ?? false,
    limit: limit === undefined ? undefined : countOf(limit, "limit", caller),
  };
}

function boundOf(value: unknown, name: string, caller: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number") {
    throw new TypeError(`${caller} ${name} must be a number, got ${describe(value)}`);
  }
  if (!Number.isInteger(value)) {
    throw new RangeError(`${caller} ${name} must be an integer, got ${value}`);
  }
  return value;
}
