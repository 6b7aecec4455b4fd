/**
 * Reads a notification log through a `NotificationLogInterface` (another process, another
 * machine): the `NotificationLog` a follower follows. Everything it reads is checked — JSON,
 * field types, base64 states, ids in order and within what was asked for — and anything
 * else is a `NotificationLogReadError` saying what was wrong, never a crash and never a
 * notification made up.
 */
import type { NotificationLog, Section } from "@es/application";
import { nameErrorClass } from "@es/domain";
import {
  type Notification,
  notificationSelection,
  type SelectNotificationsOptions,
} from "@es/persistence-core";
import { z } from "zod";
import { SystemError } from "../errors.js";
import type { NotificationLogInterface } from "./notification-log-interface.js";

/** A notification log's response that can't be read: not JSON, not the format, out of order. */
export class NotificationLogReadError extends SystemError {}
nameErrorClass(NotificationLogReadError, "NotificationLogReadError");

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SECTION_ID = /^\d+,\d+$/;

const notification = z.object({
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  originator_id: z.string().min(1).max(1_000),
  originator_version: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  topic: z.string().min(1).max(1_000),
  state: z.string().regex(BASE64, { error: "expected base64" }),
});
const notifications = z.array(notification);
const section = z.object({
  id: z.string().regex(SECTION_ID).nullable(),
  next_id: z.string().regex(SECTION_ID).nullable(),
  items: notifications,
});

function parse<T>(text: string, schema: z.ZodType<T>, what: string): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new NotificationLogReadError(`The ${what} is not JSON (${text.length} characters)`);
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join(".");
    throw new NotificationLogReadError(
      `The ${what} is invalid${path ? ` at ${path}` : ""}: ${issue?.message}`,
    );
  }
  return result.data;
}

/** What a list of notifications was asked for: checked against each one received. */
interface Asked {
  readonly start: number;
  readonly limit: number;
  /** A section's last id. */
  readonly end?: number | undefined;
  /** A select's stop. */
  readonly stop?: number | undefined;
  /** The topics asked for, if any were. */
  readonly topics?: readonly string[] | undefined;
}

/**
 * The notifications, checked to be in increasing order, from `start` on, at most `limit`, up
 * to `end` when given, and of the topics asked for, if any were.
 */
function toNotifications(
  items: z.infer<typeof notifications>,
  {
    start,
    limit,
    end = Number.MAX_SAFE_INTEGER,
    stop = Number.MAX_SAFE_INTEGER,
    topics = [],
  }: Asked,
  what: string,
): Notification[] {
  if (items.length > limit) {
    throw new NotificationLogReadError(
      `The ${what} has ${items.length} notifications, more than the ${limit} asked for`,
    );
  }
  let previous = start - 1;
  return items.map((item) => {
    if (item.id < start) {
      throw new NotificationLogReadError(
        `The ${what} has notification ${item.id}, before the ${start} asked from`,
      );
    }
    if (item.id <= previous) {
      throw new NotificationLogReadError(
        `The ${what} has notification ${item.id} out of order (after ${previous})`,
      );
    }
    if (item.id > end) {
      throw new NotificationLogReadError(
        `The ${what} has notification ${item.id}, past the section's last id ${end}`,
      );
    }
    if (item.id > stop) {
      throw new NotificationLogReadError(
        `The ${what} has notification ${item.id}, past the stop asked for, ${stop}`,
      );
    }
    if (topics.length > 0 && !topics.includes(item.topic)) {
      throw new NotificationLogReadError(
        `The ${what} has notification ${item.id} of a topic not asked for, ${JSON.stringify(item.topic.slice(0, 100))}`,
      );
    }
    previous = item.id;
    return {
      id: item.id,
      originatorId: item.originator_id,
      originatorVersion: item.originator_version,
      topic: item.topic,
      state: new Uint8Array(Buffer.from(item.state, "base64")),
    };
  });
}

/**
 * A notification log read from JSON text: a remote application's log, through a
 * `NotificationLogInterface` (e.g. `HttpNotificationLogInterface`). Everything received is
 * checked; what doesn't fit is a `NotificationLogReadError`, never a partly read section.
 */
export class NotificationLogJSONClient implements NotificationLog {
  /** Where the JSON comes from. */
  readonly interface: NotificationLogInterface;
  /**
   * The remote log's section size, when known: a follower then asks for no more at a time
   * (a log refuses a select of more than its section size).
   */
  readonly sectionSize: number | undefined;

  constructor(
    logInterface: NotificationLogInterface,
    { sectionSize }: { sectionSize?: number } = {},
  ) {
    if (sectionSize !== undefined && !(Number.isSafeInteger(sectionSize) && sectionSize > 0)) {
      throw new RangeError(`Section size must be a positive integer, got ${sectionSize}`);
    }
    this.interface = logInterface;
    this.sectionSize = sectionSize;
  }

  async section(sectionId: string): Promise<Section> {
    const match = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(sectionId);
    if (!match) {
      throw new TypeError(`Invalid section id '${sectionId}': expected "first,last", e.g. "1,10"`);
    }
    const [first, last] = [Number(match[1]), Number(match[2])];
    const what = `response for section ${sectionId}`;
    const data = parse(await this.interface.getLogSection(sectionId), section, what);
    const limit = Math.max(0, last - first + 1);
    const items = toNotifications(data.items, { start: first, limit, end: last }, what);
    // The next section must begin after this one's items, or a reader would go round in circles.
    const nextFirst = data.next_id === null ? undefined : Number(data.next_id.split(",")[0]);
    const after = Math.max(first + 1, (items.at(-1)?.id ?? 0) + 1);
    if (nextFirst !== undefined && nextFirst < after) {
      throw new NotificationLogReadError(
        `The ${what} gives the next section ${data.next_id}, which doesn't begin after it`,
      );
    }
    return { id: data.id, items, nextId: data.next_id };
  }

  /**
   * Up to `limit` notifications from `start`, and only up to `options.stop` and of
   * `options.topics` if given: asked of the remote log, and checked to be what was asked for.
   */
  async select(
    start: number,
    limit: number,
    options?: SelectNotificationsOptions,
  ): Promise<Notification[]> {
    // Refused as a recorder would refuse them, before anything is sent.
    if (options) notificationSelection(start, limit, options);
    const what = `response for notifications from ${start}`;
    // An interface written for the two-argument call is called as before when nothing is filtered.
    const text = options
      ? this.interface.getNotifications(start, limit, options)
      : this.interface.getNotifications(start, limit);
    const data = parse(await text, notifications, what);
    return toNotifications(
      data,
      { start, limit, stop: options?.stop, topics: options?.topics },
      what,
    );
  }
}
