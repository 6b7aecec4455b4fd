/**
 * The notification log presents an application's notifications in linked
 * sections, identified as `"first,last"`. A section holds up to `sectionSize` notifications
 * from `first` on; ids may have gaps, so its last id may exceed the one asked for, and the
 * section's own id always gives the ids it really holds.
 */
import type {
  ApplicationRecorder,
  Notification,
  SelectNotificationsOptions,
} from "@es/persistence-core";

/** A section of a notification log: up to a section size of notifications, in id order. */
export interface Section {
  /** `"first,last"` of the notifications held, or null when there are none. */
  readonly id: string | null;
  /** The notifications, in id order. */
  readonly items: readonly Notification[];
  /** The id of the next section, or null when this one was not full. */
  readonly nextId: string | null;
}

/** An application's notifications in order: in linked sections, or selected from an id on. */
export interface NotificationLog {
  /** The section `"first,last"`: the notifications from `first` on, up to the section size. */
  section(sectionId: string): Promise<Section>;
  /**
   * Up to `limit` notifications from id `start` on; with `options`, only those up to
   * `options.stop` (inclusive) and of `options.topics`, the limit counting only those.
   */
  select(
    start: number,
    limit: number,
    options?: SelectNotificationsOptions,
  ): Promise<Notification[]>;
  /** The most notifications a section holds, and a select may ask for, if the log says. */
  readonly sectionSize?: number | undefined;
}

/**
 * The notification log of an application in this process, read from its recorder: what
 * `app.log` is, and what `NotificationLogJSONService` presents to other processes.
 *
 * @example
 * ```ts
 * const section = await app.log.section("1,10"); // { id: "1,4", items, nextId: null }
 * const next = await app.log.select(5, 100);
 * const created = await app.log.select(1, 10, { topics: ["World.Created"] });
 * ```
 */
export class LocalNotificationLog implements NotificationLog {
  /** The section size when none is given: 10, as in the Python original. */
  static readonly DEFAULT_SECTION_SIZE = 10;

  constructor(
    /** The recorder of the application whose notifications the log presents. */
    readonly recorder: ApplicationRecorder,
    readonly sectionSize = LocalNotificationLog.DEFAULT_SECTION_SIZE,
  ) {
    if (!Number.isInteger(sectionSize) || sectionSize < 1) {
      throw new RangeError(`Section size must be a positive integer, got ${sectionSize}`);
    }
  }

  /** The section `"first,last"`. */
  async section(sectionId: string): Promise<Section> {
    const match = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(sectionId);
    if (!match) {
      throw new TypeError(`Invalid section id '${sectionId}': expected "first,last", e.g. "1,10"`);
    }
    const first = Math.max(1, Number(match[1]));
    const last = Number(match[2]);
    const limit = Math.min(Math.max(0, last - first + 1), this.sectionSize);
    const items = limit > 0 ? await this.recorder.selectNotifications(first, limit) : [];
    const head = items[0];
    const tail = items[items.length - 1];
    if (!head || !tail) return { id: null, items, nextId: null };
    const nextId = items.length === limit ? formatSectionId(tail.id + 1, tail.id + limit) : null;
    return { id: formatSectionId(head.id, tail.id), items, nextId };
  }

  /**
   * Up to `limit` (at most the section size) notifications from id `start` on, only up to
   * `options.stop` and of `options.topics` if given: the recorder filters them.
   *
   * @throws RangeError if `limit` is not a whole number up to the section size, or
   *   `options.stop` is not an integer.
   * @throws TypeError if `options.topics` is not an array of strings.
   */
  async select(
    start: number,
    limit: number,
    options?: SelectNotificationsOptions,
  ): Promise<Notification[]> {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(`Limit must be a non-negative integer, got ${limit}`);
    }
    if (limit > this.sectionSize) {
      throw new RangeError(
        `Requested limit ${limit} greater than section size ${this.sectionSize}`,
      );
    }
    return this.recorder.selectNotifications(start, limit, options);
  }
}

export function formatSectionId(first: number, last: number): string {
  return `${first},${last}`;
}
