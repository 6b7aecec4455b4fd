/**
 * Serialises an application's notification log as JSON: a section is
 * `{"id", "next_id", "items": [...]}` and each notification `{"id", "originator_id",
 * "originator_version", "topic", "state"}`, its state in base64 (the original's format).
 */
import type { Application, Section } from "@es/application";
import type { Notification } from "@es/persistence-core";
import type { NotificationLogInterface } from "./notification-log-interface.js";

export interface NotificationJSON {
  readonly id: number;
  readonly originator_id: string;
  readonly originator_version: number;
  readonly topic: string;
  readonly state: string;
}

export interface SectionJSON {
  readonly id: string | null;
  readonly next_id: string | null;
  readonly items: readonly NotificationJSON[];
}

const toJSON = (n: Notification): NotificationJSON => ({
  id: n.id,
  originator_id: n.originatorId,
  originator_version: n.originatorVersion,
  topic: n.topic,
  state: Buffer.from(n.state.buffer, n.state.byteOffset, n.state.byteLength).toString("base64"),
});

const sectionToJSON = (section: Section): SectionJSON => ({
  id: section.id,
  next_id: section.nextId,
  items: section.items.map(toJSON),
});

export class NotificationLogJSONService implements NotificationLogInterface {
  readonly app: Application;

  constructor(app: Application) {
    this.app = app;
  }

  async getLogSection(sectionId: string): Promise<string> {
    return JSON.stringify(sectionToJSON(await this.app.log.section(sectionId)));
  }

  async getNotifications(start: number, limit: number): Promise<string> {
    return JSON.stringify((await this.app.log.select(start, limit)).map(toJSON));
  }
}
