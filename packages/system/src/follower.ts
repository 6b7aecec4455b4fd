/**
 * A `Follower` pulls the notifications of the applications it follows and processes each
 * through its `policy()`, recording the policy's new events together with a tracking record
 * of the notification, in one transaction. It resumes after the last notification it
 * recorded, so each notification is processed exactly once, across crashes and restarts.
 */
import { Application, type ApplicationClass, type NotificationLog } from "@es/application";
import type { DomainEvent } from "@es/domain";
import {
  type ApplicationRecorder,
  type InfrastructureFactory,
  IntegrityError,
  type Mapper,
  type ProcessRecorder,
} from "@es/persistence-core";
import { SystemDefinitionError } from "./errors.js";
import { NotificationLogReader } from "./notification-log-reader.js";
import { ProcessEvent } from "./process-event.js";

/** Notifications a follower asks for at a time (fewer if the leader's sections are smaller). */
const READ_SIZE = 10;

interface Followed {
  readonly reader: NotificationLogReader;
  /** The mapper for the leader's events; the follower's own when none was given. */
  readonly mapper: Mapper | undefined;
}

/**
 * An application that follows others: it pulls their notifications and processes each through
 * its `policy()`, exactly once. Subclass `ProcessApplication` (a follower that also leads) to
 * write a policy; runners call `follow` and `pullAndProcess`.
 */
export abstract class Follower extends Application {
  /**
   * The topics of the events this follower's policy handles (the Python original's
   * `follow_topics`): it reads only their notifications, the store skipping the others, and
   * tracks only those it processes. Empty (the default): every notification. Notification ids
   * stay the leader's positions, so it resumes exactly after the last one it tracked.
   *
   * @example
   * ```ts
   * class Counters extends ProcessApplication {
   *   static override followTopics = [getTopic(World.SomethingHappened)];
   * }
   * ```
   */
  static followTopics: readonly string[] = [];

  readonly #followed = new Map<string, Followed>();
  /** Each application's pull, so that pulls of one application never overlap. */
  readonly #pulls = new Map<string, Promise<void>>();

  /** A follower's recorder is a process recorder: it records tracking with events. */
  protected override constructRecorder(
    factory: InfrastructureFactory,
  ): Promise<ApplicationRecorder> {
    return factory.processRecorder();
  }

  /** The process recorder (once the application is ready). */
  get processRecorder(): ProcessRecorder {
    return this.recorder as ProcessRecorder;
  }

  /** The names of the applications this one follows. */
  get followedNames(): readonly string[] {
    return [...this.#followed.keys()];
  }

  /**
   * Follows the application named `name` through its notification log, decoding its events
   * with `mapper` (this application's own by default: same transcodings and codecs).
   */
  follow(name: string, log: NotificationLog, mapper?: Mapper): void {
    checkTopics(this.name, (this.constructor as typeof Follower).followTopics);
    // A reader asks for no more at a time than the log's sections hold.
    const sectionSize = Math.min(READ_SIZE, log.sectionSize ?? READ_SIZE);
    this.#followed.set(name, { reader: new NotificationLogReader(log, sectionSize), mapper });
  }

  /**
   * Pulls the notifications of `name` this application hasn't processed yet and processes
   * them in order, one transaction each. Calls for one name run one after another.
   */
  pullAndProcess(name: string): Promise<void> {
    const followed = this.#followed.get(name);
    if (!followed) {
      throw new SystemDefinitionError(`${this.name} doesn't follow an application named '${name}'`);
    }
    const previous = this.#pulls.get(name) ?? Promise.resolve();
    const pull = previous.catch(() => {}).then(() => this.#pull(name, followed));
    this.#pulls.set(name, pull);
    return pull;
  }

  async #pull(name: string, { reader, mapper }: Followed): Promise<void> {
    const { mapper: own } = await this.infrastructure();
    const start = (await this.processRecorder.maxTrackingId(name)) + 1;
    const { followTopics } = this.constructor as typeof Follower;
    const topics = followTopics.length > 0 ? { topics: followTopics } : {};
    for await (const notification of reader.select({ start, ...topics })) {
      const domainEvent = (mapper ?? own).toDomainEvent(notification);
      const processEvent = new ProcessEvent({
        applicationName: name,
        notificationId: notification.id,
      });
      await this.policy(domainEvent, processEvent);
      await this.recordOnce(processEvent);
    }
  }

  /**
   * Records a process event, unless its notification was recorded already (by another
   * instance of this application, processing concurrently): then it does nothing.
   */
  protected async recordOnce(processEvent: ProcessEvent): Promise<void> {
    try {
      await this.record(processEvent);
    } catch (error) {
      const tracking = processEvent.tracking;
      if (
        error instanceof IntegrityError &&
        tracking &&
        (await this.processRecorder.hasTrackingId(
          tracking.applicationName,
          tracking.notificationId,
        ))
      ) {
        return;
      }
      throw error;
    }
  }

  /**
   * Records the process event's new events and its tracking record atomically, takes any
   * automatic snapshots due, then notifies (a process application prompts its followers).
   * Resolves to the new notification ids.
   */
  async record(processEvent: ProcessEvent): Promise<readonly number[]> {
    const { events } = await this.infrastructure();
    const ids = await events.put(
      processEvent.events,
      processEvent.tracking ? { tracking: processEvent.tracking } : {},
    );
    await this.takeSnapshotsDue(processEvent.aggregates, processEvent.events, ids);
    await this.notify(processEvent.events);
    return ids;
  }

  /**
   * Processes one domain event of a followed application: changes aggregates and collects
   * their new events with `processEvent.collectEvents(...)` (not `save()`), so that they are
   * recorded with the notification's tracking record. Ignoring an event is fine: its
   * notification is still tracked.
   */
  abstract policy(domainEvent: DomainEvent, processEvent: ProcessEvent): void | Promise<void>;
}

/** Refuses a `followTopics` that isn't an array of strings (a single topic, say), at `follow`. */
function checkTopics(follower: string, topics: unknown): void {
  const problem = Array.isArray(topics)
    ? topics
        .map((topic: unknown, i) => (typeof topic === "string" ? "" : `${typeof topic} at ${i}`))
        .find(Boolean)
    : typeof topics;
  if (problem) {
    throw new SystemDefinitionError(
      `${follower}'s followTopics must be an array of topic strings, got ${problem}`,
    );
  }
}

/** Whether instances of `cls` follow (pull and process). */
export const isFollowerClass = (cls: ApplicationClass): boolean =>
  cls.prototype instanceof Follower;
