/**
 * A notification log presented as text, so that it can cross a process or a network: the
 * service side serialises sections and lists of notifications, the client side reads them
 * back (checking everything it reads), and a transport (HTTP, or a direct call) carries them.
 */

import type { SelectNotificationsOptions } from "@es/persistence-core";

/** Serialised sections of a notification log, and serialised lists of its notifications. */
export interface NotificationLogInterface {
  /** The section `sectionId` ("first,last"), serialised. */
  getLogSection(sectionId: string): Promise<string>;
  /**
   * Up to `limit` notifications from id `start` on, serialised; with `options`, only those up
   * to `options.stop` and of `options.topics`.
   */
  getNotifications(
    start: number,
    limit: number,
    options?: SelectNotificationsOptions,
  ): Promise<string>;
}
