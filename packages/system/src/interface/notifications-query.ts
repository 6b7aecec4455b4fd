/**
 * A list of notifications asked for in a URL's query: `start`, `limit`, and optionally `stop`
 * and the `topics` (one `topics` parameter each). Written by the HTTP client and read by the
 * server, which refuses, with the reason, what it can't take: a query comes from anyone.
 */
import type { SelectNotificationsOptions } from "@es/persistence-core";

/** The most topics a query may list. */
export const MAX_TOPICS = 100;
/** The longest topic a query may list (as the client reads topics in responses). */
export const MAX_TOPIC_LENGTH = 1_000;

/** What a query asks for. */
export interface NotificationsQuery {
  /** The first notification id wanted. */
  readonly start: number;
  /** How many at most. */
  readonly limit: number;
  /** Up to which id, and of which topics, if the query says. */
  readonly options: SelectNotificationsOptions;
}

/** The query string (without `?`) of a request for notifications. */
export function writeQuery(
  start: number,
  limit: number,
  { stop, topics = [] }: SelectNotificationsOptions = {},
): string {
  const query = new URLSearchParams({ start: String(start), limit: String(limit) });
  if (stop !== undefined) query.set("stop", String(stop));
  for (const topic of topics) query.append("topics", topic);
  return query.toString();
}

/** What the query asks for, or why it can't be taken (a sentence for a 400 response). */
export function readQuery(query: URLSearchParams): NotificationsQuery | string {
  const start = Number(query.get("start"));
  const limit = Number(query.get("limit"));
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(limit) || start < 0 || limit < 0) {
    return "Expected whole numbers start and limit";
  }
  const stop = query.get("stop");
  if (stop !== null && (stop.trim() === "" || !Number.isSafeInteger(Number(stop)))) {
    return "Expected an integer stop";
  }
  const topics = query.getAll("topics");
  if (topics.length > MAX_TOPICS) {
    return `Expected at most ${MAX_TOPICS} topics, got ${topics.length}`;
  }
  if (topics.some((topic) => topic.length === 0 || topic.length > MAX_TOPIC_LENGTH)) {
    return `Expected topics of 1 to ${MAX_TOPIC_LENGTH} characters`;
  }
  return {
    start,
    limit,
    options: {
      ...(stop === null ? {} : { stop: Number(stop) }),
      ...(topics.length > 0 ? { topics } : {}),
    },
  };
}
