/**
 * A `Follower` pulls the notifications of the applications it follows and processes each
 * through its `policy()`, a page of notifications at a time: the page's new events and one
 * tracking record (its last notification) are recorded in one transaction. It resumes after the
 * last notification it recorded, so each notification is processed exactly once, across crashes
 * and restarts, and when two runners run it at once (the second's page is refused).
 */
import {
  Application,
  type ApplicationClass,
  type NotificationLog,
  type Repository,
} from "@es/application";
import type { Aggregate, DomainEvent } from "@es/domain";
import {
  type ApplicationRecorder,
  type InfrastructureFactory,
  IntegrityError,
  type Mapper,
  type Notification,
  type ProcessRecorder,
  tracking,
} from "@es/persistence-core";
import { SystemDefinitionError } from "./errors.js";
import { NotificationLogReader } from "./notification-log-reader.js";
import { inPage, PolicyRepository } from "./page-scope.js";
import { ProcessEvent } from "./process-event.js";
import { ProcessPage } from "./process-page.js";

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

  /**
   * The most notifications processed in one transaction: a page of them, whose policies run
   * one after another (each getting the aggregates the ones before it changed), and whose new
   * events are recorded with one tracking record, the page's last notification. A page ends
   * early when the leader has no more to read, so a follower that keeps up records each save's
   * notifications at once; pages fill up only when it has fallen behind. 1 records each
   * notification on its own. The default, 1000, let a follower keep up with 16 writers in
   * `pnpm bench` on SQLite, where 100 didn't (see docs/system.md); a smaller page redoes less
   * when a runner is killed mid-page, or loses a race with another runner.
   *
   * @example
   * ```ts
   * class Counters extends ProcessApplication {
   *   static override pageSize = 500;
   * }
   * ```
   */
  static pageSize = 1000;

  readonly #followed = new Map<string, Followed>();
  /** Each application's pull, so that pulls of one application never overlap. */
  readonly #pulls = new Map<string, Promise<void>>();
  #repository: PolicyRepository | undefined;

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

  /**
   * Gets aggregates; usable at once. A policy processing a page gets an aggregate that an
   * earlier notification of the page changed as the page left it (changes collected, not yet
   * recorded); everyone else gets what is recorded.
   */
  override get repository(): Pick<Repository, "get" | "has"> {
    this.#repository ??= new PolicyRepository(this, super.repository);
    return this.#repository;
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
    const { followTopics, pageSize } = this.constructor as typeof Follower;
    checkTopics(this.name, followTopics);
    checkPageSize(this.name, pageSize);
    // A reader asks for no more at a time than the log's sections hold.
    const sectionSize = Math.min(READ_SIZE, log.sectionSize ?? READ_SIZE);
    this.#followed.set(name, { reader: new NotificationLogReader(log, sectionSize), mapper });
  }

  /**
   * Pulls the notifications of `name` this application hasn't processed yet and processes
   * them in order, a page (`pageSize`) at a time, each page in one transaction. Calls for one
   * name run one after another.
   *
   * A policy that fails stops the pull with its error: the notifications of its page before it
   * are recorded (as a smaller page), nothing of its own, so the next pull begins with it. A
   * page refused because another runner of this application recorded some of its
   * notifications first is dropped, and the pull goes on after what that runner recorded.
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

  async #pull(name: string, followed: Followed): Promise<void> {
    await this.infrastructure();
    let position: number | undefined = await this.processRecorder.maxTrackingId(name);
    while (position !== undefined) position = await this.#processPages(name, followed, position);
  }

  /**
   * Processes the notifications after `position`, a page at a time, until the log has no
   * more (resolving to undefined), or a page is refused: then to the position another runner
   * has recorded, to go on from.
   */
  async #processPages(
    name: string,
    { reader, mapper }: Followed,
    position: number,
  ): Promise<number | undefined> {
    const { mapper: own } = await this.infrastructure();
    const { followTopics, pageSize } = this.constructor as typeof Follower;
    const topics = followTopics.length > 0 ? { topics: followTopics } : {};
    let page = new ProcessPage(name, position);
    for await (const notification of reader.select({ start: position + 1, ...topics })) {
      try {
        await this.#process(page, notification, mapper ?? own);
      } catch (error) {
        // The notifications before it were processed: they are recorded, as a smaller page, so
        // that the next pull begins with the one that failed (or, should recording them fail
        // too, processes them again).
        await this.#record(page).catch(() => undefined);
        throw error;
      }
      if (page.size >= pageSize) {
        const refused = await this.#record(page);
        if (refused !== undefined) return refused;
        page = new ProcessPage(name, page.page.last);
      }
    }
    return this.#record(page);
  }

  /** Runs the policy of one notification, adding what it produced to the page. */
  async #process(page: ProcessPage, notification: Notification, mapper: Mapper): Promise<void> {
    const domainEvent = mapper.toDomainEvent(notification);
    const processEvent = new ProcessEvent(tracking(page.applicationName, notification.id));
    await inPage(this, page, () => this.policy(domainEvent, processEvent));
    page.add(processEvent);
  }

  /**
   * Records a page's new events with its tracking record, refused if another instance of this
   * application (another runner) has recorded any of its notifications: resolves to undefined
   * when recorded (or empty), else to the position that instance has recorded.
   */
  async #record(page: ProcessPage): Promise<number | undefined> {
    page.close();
    if (page.size === 0) return undefined;
    const { events } = await this.infrastructure();
    const newEvents = page.events;
    let ids: readonly number[];
    try {
      ids = await events.put(newEvents, { page: page.page, aggregates: page.aggregates });
    } catch (error) {
      this.forgetCached(page.aggregates);
      if (!(error instanceof IntegrityError)) throw error;
      // Refused, or a conflict: a refusal if another instance has recorded past the position
      // the page follows. Going on from where it got to then neither skips nor repeats any.
      const tracked = await this.processRecorder.maxTrackingId(page.applicationName);
      if (tracked > page.position) return tracked;
      throw error;
    }
    await this.#recorded(page.aggregates, newEvents, ids);
    return undefined;
  }

  /**
   * Records the process event's new events and its tracking record atomically, takes any
   * automatic snapshots due, then notifies (a process application prompts its followers).
   * Resolves to the new notification ids.
   */
  async record(processEvent: ProcessEvent): Promise<readonly number[]> {
    const { events } = await this.infrastructure();
    let ids: readonly number[];
    try {
      ids = await events.put(processEvent.events, {
        aggregates: processEvent.aggregates,
        ...(processEvent.tracking ? { tracking: processEvent.tracking } : {}),
      });
    } catch (error) {
      this.forgetCached(processEvent.aggregates);
      throw error;
    }
    await this.#recorded(processEvent.aggregates, processEvent.events, ids);
    return ids;
  }

  /** Once new events are recorded: takes the automatic snapshots due, then notifies. */
  async #recorded(
    aggregates: readonly Aggregate[],
    newEvents: readonly DomainEvent[],
    ids: readonly number[],
  ): Promise<void> {
    this.cacheRecorded(aggregates);
    await this.takeSnapshotsDue(aggregates, newEvents, ids);
    await this.notify(newEvents);
  }

  /**
   * Processes one domain event of a followed application: changes aggregates and collects
   * their new events with `processEvent.collectEvents(...)` (not `save()`), so that they are
   * recorded with the notification's tracking record. Ignoring an event is fine: its
   * notification is still tracked. Within a page, `this.repository.get(id)` gives an aggregate
   * an earlier notification's policy collected as that policy left it.
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

/** Refuses a `pageSize` that isn't a positive integer, at `follow`. */
function checkPageSize(follower: string, pageSize: unknown): void {
  if (!Number.isSafeInteger(pageSize) || (pageSize as number) < 1) {
    throw new SystemDefinitionError(
      `${follower}'s pageSize must be a positive integer, got ${String(pageSize)}`,
    );
  }
}

/** Whether instances of `cls` follow (pull and process). */
export const isFollowerClass = (cls: ApplicationClass): boolean =>
  cls.prototype instanceof Follower;
