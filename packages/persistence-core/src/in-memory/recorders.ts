/**
 * In-memory recorders: the reference semantics every database recorder must match (the
 * Python original's "plain old Python objects" recorders). Each method does all its checks
 * before it writes and never awaits in between, so a batch is atomic and notification ids are
 * assigned in commit order without a lock.
 */
import { ChangeNotifier } from "../change-feed.js";
import { IntegrityError } from "../errors.js";
import { checkHashes } from "../hash-checks.js";
import { eventSelection, notificationSelection } from "../notification-selection.js";
import {
  notificationPages,
  notificationSubscription,
  type SubscribeOptions,
} from "../notification-subscription.js";
import { insertedTracking, pageRefusedBy, refuseTracking } from "../page.js";
import type {
  AggregateRecorder,
  ApplicationRecorder,
  InsertEventsOptions,
  ProcessRecorder,
  SelectEventsOptions,
  SelectNotificationsOptions,
  TrackingRecorder,
  WaitOptions,
} from "../recorders.js";
import {
  type Notification,
  notification,
  type StoredEvent,
  storedEvent,
  type Tracking,
} from "../records.js";
import type { Subscription } from "../subscription.js";
import { withTracking } from "../tracking-delegate.js";
import { waitForTracking } from "../wait-for-tracking.js";

/** Sequences of events per originator, in memory: what the in-memory store keeps snapshots in. */
export class InMemoryAggregateRecorder implements AggregateRecorder {
  /** Each originator's events, in version order. */
  protected readonly sequences = new Map<string, StoredEvent[]>();
  /** The versions recorded per originator, so conflicts are found without scanning. */
  protected readonly versions = new Map<string, Set<number>>();

  async insertEvents(
    events: readonly StoredEvent[],
    options: InsertEventsOptions = {},
  ): Promise<readonly number[]> {
    const tracking = this.checkTracking(options);
    checkHashes(events);
    this.checkUnique(events);
    return this.write(events, tracking);
  }

  async selectEvents(
    originatorId: string,
    options: SelectEventsOptions = {},
  ): Promise<StoredEvent[]> {
    const { gt, lte, desc, limit } = eventSelection(options);
    let selected = (this.sequences.get(originatorId) ?? []).filter(
      (e) =>
        (gt === undefined || e.originatorVersion > gt) &&
        (lte === undefined || e.originatorVersion <= lte),
    );
    if (desc) selected = selected.reverse();
    return limit === undefined ? selected : selected.slice(0, limit);
  }

  /** Refuses a batch that repeats a version, or repeats one already recorded. */
  protected checkUnique(events: readonly StoredEvent[]): void {
    const seen = new Set<string>();
    for (const event of events) {
      const key = `${event.originatorId}\u0000${event.originatorVersion}`;
      const recorded = this.versions.get(event.originatorId)?.has(event.originatorVersion);
      if (seen.has(key) || recorded) {
        throw new IntegrityError(
          `Event ${event.originatorId} version ${event.originatorVersion} is already recorded`,
        );
      }
      seen.add(key);
    }
  }

  /**
   * Checks what the insert is to record besides its events, before anything is written: the
   * tracking record to write with them, if any. Only process recorders record tracking.
   */
  protected checkTracking(options: InsertEventsOptions): Tracking | undefined {
    refuseTracking(this, options);
    return undefined;
  }

  protected write(
    events: readonly StoredEvent[],
    _tracking: Tracking | undefined,
  ): readonly number[] {
    for (const event of events) this.append(storedEvent(event));
    return [];
  }

  protected append(event: StoredEvent): void {
    const sequence = this.sequences.get(event.originatorId);
    if (!sequence) {
      this.sequences.set(event.originatorId, [event]);
      this.versions.set(event.originatorId, new Set([event.originatorVersion]));
      return;
    }
    this.versions.get(event.originatorId)?.add(event.originatorVersion);
    sequence.push(event);
    // Keep version order even if a batch arrives out of order.
    const n = sequence.length;
    if (n > 1 && (sequence[n - 2]?.originatorVersion ?? 0) > event.originatorVersion) {
      sequence.sort((a, b) => a.originatorVersion - b.originatorVersion);
    }
  }
}

/**
 * Events with notification ids, in memory: ids are contiguous from 1, in the order inserts
 * were made.
 *
 * @example
 * ```ts
 * const recorder = new InMemoryApplicationRecorder();
 * await recorder.insertEvents([storedEvent]); // [1]
 * await recorder.selectNotifications(1, 10);
 * ```
 */
export class InMemoryApplicationRecorder
  extends InMemoryAggregateRecorder
  implements ApplicationRecorder
{
  /** Notification n is at index n - 1: ids are contiguous, starting at 1. */
  protected readonly notifications: Notification[] = [];
  /** The ids of each topic's notifications, in order: what the SQL stores' topic index is. */
  protected readonly idsByTopic = new Map<string, number[]>();
  /** Notified after each insert that records events: what its subscriptions wait for. */
  readonly changes = new ChangeNotifier();

  protected override write(
    events: readonly StoredEvent[],
    _tracking: Tracking | undefined,
  ): readonly number[] {
    const ids: number[] = [];
    for (const event of events) {
      const id = this.notifications.length + 1;
      const { originatorId, originatorVersion, topic, state, hash } = event;
      const recorded = notification({ id, originatorId, originatorVersion, topic, state, hash });
      this.notifications.push(recorded);
      this.append(recorded);
      const ofTopic = this.idsByTopic.get(recorded.topic);
      if (ofTopic) ofTopic.push(id);
      else this.idsByTopic.set(recorded.topic, [id]);
      ids.push(id);
    }
    // In the insert's own turn (no await added to a save); subscriptions read after it.
    if (ids.length > 0) this.changes.notify();
    return ids;
  }

  async selectNotifications(
    start: number,
    limit: number,
    options?: SelectNotificationsOptions,
  ): Promise<Notification[]> {
    const { start: first, limit: most, end, topics } = notificationSelection(start, limit, options);
    const from = Math.max(1, first);
    const below = Math.min(end ?? Number.POSITIVE_INFINITY, this.notifications.length + 1);
    if (topics === undefined) {
      // Id n is at index n - 1; a stop before the start (below <= from) selects nothing.
      return this.notifications.slice(from - 1, Math.max(from, Math.min(below, from + most)) - 1);
    }
    // Each topic's first `most` ids from `from` on, merged: no more is read than could be selected.
    const ids = topics.flatMap((topic) => {
      const ofTopic = this.idsByTopic.get(topic) ?? [];
      const first = firstAtLeast(ofTopic, from);
      return ofTopic.slice(first, first + most).filter((id) => id < below);
    });
    return ids
      .sort((a, b) => a - b)
      .slice(0, most)
      .map((id) => this.notifications[id - 1] as Notification);
  }

  async maxNotificationId(): Promise<number> {
    return this.notifications.length;
  }

  async notificationIdOf(originatorId: string, version: number): Promise<number | undefined> {
    const recorded = this.sequences.get(originatorId)?.find((e) => e.originatorVersion === version);
    return (recorded as Notification | undefined)?.id;
  }

  subscribe(options?: SubscribeOptions): Subscription<Notification> {
    return notificationSubscription(this, this.changes, options);
  }

  subscribePages(options?: SubscribeOptions): Subscription<readonly Notification[]> {
    return notificationPages(this, this.changes, options);
  }
}

/** The index of the first of the ascending `ids` that is at least `id` (their length if none is). */
function firstAtLeast(ids: readonly number[], id: number): number {
  let [low, high] = [0, ids.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((ids[middle] ?? 0) < id) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Tracking records in memory: the position of each upstream application's notifications that
 * were processed. A process recorder keeps one, to record tracking with its events.
 */
export class InMemoryTrackingRecorder implements TrackingRecorder {
  /** Each upstream application's tracked notification ids, and the largest. */
  protected readonly tracked = new Map<string, { max: number; ids: Set<number> }>();

  async insertTracking(tracking: Tracking): Promise<void> {
    this.check(tracking);
    this.record(tracking);
  }

  async maxTrackingId(applicationName: string): Promise<number> {
    return this.max(applicationName);
  }

  async hasTrackingId(applicationName: string, notificationId: number): Promise<boolean> {
    return this.max(applicationName) >= notificationId;
  }

  /** The largest notification id of `applicationName` tracked (0 when there is none), at once. */
  max(applicationName: string): number {
    return this.tracked.get(applicationName)?.max ?? 0;
  }

  wait(applicationName: string, notificationId: number, options?: WaitOptions): Promise<void> {
    return waitForTracking(this, applicationName, notificationId, options);
  }

  /**
   * Refuses a tracking record that is recorded already. Separate from `record`, so that a
   * process recorder checks everything before it writes anything.
   */
  check(tracking: Tracking): void {
    if (this.tracked.get(tracking.applicationName)?.ids.has(tracking.notificationId)) {
      throw new IntegrityError(
        `Notification ${tracking.notificationId} of ${tracking.applicationName} is already tracked`,
      );
    }
  }

  /** Records a tracking record that `check` accepted. */
  record(tracking: Tracking): void {
    const known = this.tracked.get(tracking.applicationName) ?? { max: 0, ids: new Set<number>() };
    known.ids.add(tracking.notificationId);
    known.max = Math.max(known.max, tracking.notificationId);
    this.tracked.set(tracking.applicationName, known);
  }
}

/** How the in-memory process recorder names itself in errors. */
const SUBJECT = "The in-memory process recorder";

/** Events with notification ids and tracking records, in memory: what followers record in tests. */
export class InMemoryProcessRecorder
  extends withTracking(InMemoryApplicationRecorder)
  implements ProcessRecorder
{
  /** The tracking records, written with the events. */
  readonly #tracking = new InMemoryTrackingRecorder();

  /**
   * The tracking record to write with the events, checked: not recorded already, and for a
   * page, no notification at or after its first tracked.
   */
  protected override checkTracking(options: InsertEventsOptions): Tracking | undefined {
    const tracking = insertedTracking(SUBJECT, options);
    const { page } = options;
    if (page !== undefined) {
      const tracked = this.#tracking.max(page.applicationName);
      if (tracked >= page.first) throw pageRefusedBy(SUBJECT, page, tracked);
    }
    if (tracking !== undefined) this.#tracking.check(tracking);
    return tracking;
  }

  protected override write(
    events: readonly StoredEvent[],
    tracking: Tracking | undefined,
  ): readonly number[] {
    const ids = super.write(events, tracking);
    if (tracking !== undefined) this.#tracking.record(tracking);
    return ids;
  }

  protected get tracking(): TrackingRecorder {
    return this.#tracking;
  }
}
