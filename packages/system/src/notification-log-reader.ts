/**
 * Reads an application's notifications from its notification log (local, or remote through
 * `NotificationLogJSONClient`), from a position on, in order.
 */
import type { NotificationLog } from "@es/application";
import type { Notification, SelectNotificationsOptions } from "@es/persistence-core";

/** Where `NotificationLogReader.select` reads from, and which notifications. */
export interface ReaderSelectOptions extends SelectNotificationsOptions {
  /** The first notification id wanted. */
  readonly start: number;
}

/**
 * Reads a notification log in order from a position on, a section size at a time.
 *
 * @example
 * ```ts
 * const reader = new NotificationLogReader(app.log);
 * for await (const notification of reader.read({ start: 1 })) console.log(notification.id);
 * ```
 */
export class NotificationLogReader {
  /** The log read. */
  readonly log: NotificationLog;
  /** Notifications asked for at a time (at most the log's section size). */
  readonly sectionSize: number;

  constructor(log: NotificationLog, sectionSize = 10) {
    if (!Number.isInteger(sectionSize) || sectionSize < 1) {
      throw new RangeError(`Section size must be a positive integer, got ${sectionSize}`);
    }
    this.log = log;
    this.sectionSize = sectionSize;
  }

  /** The notifications from id `start` on, section by section (following each `nextId`). */
  async *read({ start }: { readonly start: number }): AsyncGenerator<Notification> {
    let sectionId: string | null = `${start},${start + this.sectionSize - 1}`;
    let position = start;
    while (sectionId !== null) {
      const section = await this.log.section(sectionId);
      yield* section.items;
      const next = section.nextId === null ? null : Number(section.nextId.split(",")[0]);
      // A log whose next section doesn't move on would be read for ever.
      if (next !== null && !(next > position)) {
        throw new RangeError(
          `The notification log's next section ${section.nextId} doesn't begin after ${position}`,
        );
      }
      if (next !== null) position = next;
      sectionId = section.nextId;
    }
  }

  /**
   * The notifications from id `start` on, a limited list at a time, until a list comes back
   * short: the log had no more (a follower is prompted again for what is recorded after).
   * With `stop`, only ids up to it; with `topics`, only the notifications of those topics,
   * which the log's store selects, so that a reader of a few topics reads no others.
   *
   * @example
   * ```ts
   * for await (const n of reader.select({ start: 1, topics: ["World.Created"] })) console.log(n.id);
   * ```
   */
  async *select({ start, ...filter }: ReaderSelectOptions): AsyncGenerator<Notification> {
    // A log written for the two-argument select is called as before when nothing is filtered.
    const filtered = filter.stop !== undefined || filter.topics !== undefined;
    let next = start;
    for (;;) {
      const items = await (filtered
        ? this.log.select(next, this.sectionSize, filter)
        : this.log.select(next, this.sectionSize));
      yield* items;
      const last = items.at(-1);
      if (last === undefined || items.length < this.sectionSize) return;
      if (filter.stop !== undefined && last.id >= filter.stop) return;
      next = last.id + 1;
    }
  }
}
