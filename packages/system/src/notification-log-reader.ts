/**
 * Reads an application's notifications from its notification log (local, or remote through
 * `NotificationLogJSONClient`), from a position on, in order.
 */
import type { NotificationLog } from "@es/application";
import type { Notification } from "@es/persistence-core";

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
   */
  async *select({ start }: { readonly start: number }): AsyncGenerator<Notification> {
    let next = start;
    for (;;) {
      const items = await this.log.select(next, this.sectionSize);
      yield* items;
      const last = items.at(-1);
      if (last === undefined || items.length < this.sectionSize) return;
      next = last.id + 1;
    }
  }
}
