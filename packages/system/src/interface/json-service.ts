/**
 * Serialises an application's notification log as JSON: a section is
 * `{"id", "next_id", "items": [...]}` and each notification `{"id", "originator_id",
 * "originator_version", "topic", "state"}`, its state in base64 (the original's format).
 */
import type { Application, Section } from "@es/application";
import type { Notification, SelectNotificationsOptions } from "@es/persistence-core";
import type { NotificationLogInterface } from "./notification-log-interface.js";

/** A notification as JSON (the Python original's field names). */
export interface NotificationJSON {
  /** Its notification id. */
  readonly id: number;
  /** The originator id of its event. */
  readonly originator_id: string;
  /** The originator version of its event. */
  readonly originator_version: number;
  /** The topic of its event's class. */
  readonly topic: string;
  /** Its stored state, base64-encoded (still encrypted, if it was stored encrypted). */
  readonly state: string;
}

/** A section of a notification log as JSON. */
export interface SectionJSON {
  /** `"first,last"` of the notifications held, or null when there are none. */
  readonly id: string | null;
  /** The id of the next section, or null when this one was not full. */
  readonly next_id: string | null;
  /** The notifications, in id order. */
  readonly items: readonly NotificationJSON[];
}

/** A notification as the JSON interface writes it (`NotificationJSON`). */
export const notificationToJSON = (n: Notification): NotificationJSON => ({
  id: n.id,
  originator_id: n.originatorId,
  originator_version: n.originatorVersion,
  topic: n.topic,
  state: Buffer.from(n.state.buffer, n.state.byteOffset, n.state.byteLength).toString("base64"),
});

const sectionToJSON = (section: Section): SectionJSON => ({
  id: section.id,
  next_id: section.nextId,
  items: section.items.map(notificationToJSON),
});

/**
 * Presents an application's notification log as JSON text, for another process to follow
 * (serve it over HTTP with `serveNotificationLog`, or any other transport).
 *
 * @example
 * ```ts
 * const server = await serveNotificationLog(new NotificationLogJSONService(worlds));
 * // elsewhere:
 * const log = new NotificationLogJSONClient(new HttpNotificationLogInterface(server.url));
 * ```
 */
export class NotificationLogJSONService implements NotificationLogInterface {
  /** The application whose log is presented. */
  readonly app: Application;

  constructor(app: Application) {
    this.app = app;
  }

  async getLogSection(sectionId: string): Promise<string> {
    return JSON.stringify(sectionToJSON(await this.app.log.section(sectionId)));
  }

  /**
   * The notifications the application's log selects, as a JSON array.
   *
   * @throws RangeError or TypeError if the log refuses the limit or the options.
   */
  async getNotifications(
    start: number,
    limit: number,
    options?: SelectNotificationsOptions,
  ): Promise<string> {
    return JSON.stringify(
      (await this.app.log.select(start, limit, options)).map(notificationToJSON),
    );
  }
}
