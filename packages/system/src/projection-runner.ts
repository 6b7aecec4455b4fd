/**
 * The projection runner: keeps a view in step with an application. It resumes after the last
 * notification its view has tracked, catches up a page at a time, then follows live (the
 * application recorder's `subscribePages`), and processes each page in one transaction of the
 * view — the page's rows and one tracking record, or nothing — so each event is processed
 * exactly once, however often it stops and starts and however many runners run it.
 *
 * A page another runner processed first is refused by the view; the runner then resumes from
 * what the view has tracked. A failure that may pass (the store's `OperationalError`: a lost
 * connection) rolls the page back and the runner tries again after a pause; any other failure
 * rolls it back and stops the runner with a `ProjectionError`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Application } from "@es/application";
import { type DomainEvent, messageOf } from "@es/domain";
import {
  IntegrityError,
  type Notification,
  type Subscription,
  TrackingTimeoutError,
  tracking,
  type View,
} from "@es/persistence-core";
import { ProjectionError, RunnerAlreadyStarted, SystemError } from "./errors.js";
import type { ProjectedEvent, Projection } from "./projection.js";
import { ProgressMeter, type ProjectionProgress } from "./projection-progress.js";
import { isTransient } from "./transient.js";

/** What a projection runner runs, and how. */
export interface ProjectionRunnerOptions<S, E extends DomainEvent = DomainEvent> {
  /** The application whose events are projected (it may be one made only to read the store). */
  readonly application: Application;
  /** How events become rows. */
  readonly projection: Projection<S, E>;
  /** Where the rows and the tracking records are kept. */
  readonly view: View<S>;
  /** Notifications processed in one transaction, at most (default 1000). */
  readonly pageSize?: number | undefined;
  /**
   * Milliseconds the runner, caught up, waits for a change signal before it reads anyway
   * (default 1000): how late it may be when a signal is lost.
   */
  readonly pollIntervalMs?: number | undefined;
  /** Told how far the runner has got: at most every `progressIntervalMs`, and when caught up. */
  readonly onProgress?: ((progress: ProjectionProgress) => void) | undefined;
  /** Milliseconds between progress reports while processing (default 1000). */
  readonly progressIntervalMs?: number | undefined;
  /**
   * Told of the failure that stops the runner, when it stops it (it is also the runner's
   * `error`, and what `stop()` throws): how a process that runs nothing else knows to end.
   */
  readonly onError?: ((error: ProjectionError) => void) | undefined;
}

/** How long `waitFor` waits when not told (as a tracking recorder's `wait`). */
const DEFAULT_WAIT_MS = 1000;
/** The pauses before trying again after a failure that may pass: doubling, up to the last. */
const FIRST_RETRY_MS = 50;
const LAST_RETRY_MS = 5000;
/** The longest a timer can wait (Node.js fires longer ones at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A caller of `waitFor`, until the view has what it waits for. */
interface Waiter {
  readonly notificationId: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  /** Whether the store is being asked if any notification of the topics is still to come. */
  checking: boolean;
}

type State = "new" | "running" | "stopped" | "failed";

/**
 * Runs a projection: from `start()` until `stop()`, the view follows the application.
 *
 * @example
 * ```ts
 * const runner = new ProjectionRunner({ application: worlds, projection: counting, view });
 * await runner.start();
 * const [id] = await worlds.save(world);
 * await runner.waitFor(id); // the view shows the save
 * await runner.stop();
 * ```
 */
export class ProjectionRunner<S, E extends DomainEvent = DomainEvent> {
  /** The application followed. */
  readonly application: Application;
  /** The projection run. */
  readonly projection: Projection<S, E>;
  /** The view kept. */
  readonly view: View<S>;
  readonly #pageSize: number;
  readonly #pollIntervalMs: number | undefined;
  readonly #meter: ProgressMeter;
  readonly #onError: ((error: ProjectionError) => void) | undefined;
  readonly #waiters = new Set<Waiter>();
  /** Ends the loop running now (a rebuild pauses the loop, and begins another). */
  #controller = new AbortController();
  #state: State = "new";
  #error: ProjectionError | undefined;
  #position = 0;
  #retries = 0;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: ProjectionRunnerOptions<S, E>) {
    const { application, projection, view, pageSize = 1000, pollIntervalMs } = options;
    if (typeof projection?.name !== "string" || projection.name === "") {
      throw new TypeError("A projection's name must be a non-empty string");
    }
    if (typeof projection.process !== "function" && typeof projection.processPage !== "function") {
      throw new TypeError(
        `Projection '${projection.name}' has neither a process() nor a processPage() method`,
      );
    }
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
      throw new RangeError(
        `pageSize of projection '${projection.name}' must be a whole number, 1 or more, got ${String(pageSize)}`,
      );
    }
    this.application = application;
    this.projection = projection;
    this.view = view;
    this.#pageSize = pageSize;
    this.#pollIntervalMs = pollIntervalMs;
    this.#onError = options.onError;
    this.#meter = new ProgressMeter(
      projection.name,
      options.onProgress,
      options.progressIntervalMs,
    );
  }

  /** The id of the last notification the view has processed (tracked), as this runner knows. */
  get position(): number {
    return this.#position;
  }

  /** How far the runner has got, as last measured. */
  get progress(): ProjectionProgress {
    return this.#meter.progress(this.#position);
  }

  /** How many times the runner has tried again after a failure that may pass. */
  get retries(): number {
    return this.#retries;
  }

  /** The failure that stopped the runner, if one did. */
  get error(): ProjectionError | undefined {
    return this.#error;
  }

  /** Whether the runner is running: started, and neither stopped nor failed. */
  get running(): boolean {
    return this.#state === "running";
  }

  /**
   * Creates the view's tables if they don't exist, reads how far the view has got, and begins
   * following the application. Resolves once it has begun (not once caught up: see `caughtUp`).
   *
   * @throws ProgrammingError, or the store's error, if the view can't be created or read.
   */
  async start(): Promise<void> {
    if (this.#state !== "new") {
      throw new RunnerAlreadyStarted(
        `The runner of projection '${this.projection.name}' was started already`,
      );
    }
    this.#state = "running";
    try {
      await this.application.ready;
      await this.view.createTable();
      this.#position = await this.view.maxTrackingId(this.application.name);
      const head = await this.application.recorder.maxNotificationId();
      this.#meter.measured(head, !(await this.#hasMoreUpTo(head)), this.#position);
    } catch (error) {
      this.#state = "failed";
      throw error;
    }
    this.#begin();
  }

  /**
   * Resolves once the view shows every notification of the projection's topics up to
   * `notificationId` (what `save()` returned): a command can then answer with the read model
   * up to date. A notification the projection doesn't select needs nothing more.
   *
   * @throws TrackingTimeoutError if that takes longer than `timeoutMs` (default 1000;
   *   `Infinity` waits as long as it takes).
   * @throws an `AbortError` if `signal` aborts first.
   * @throws the runner's `ProjectionError` if it fails (or has failed) meanwhile, and an error
   *   saying so if it stops first.
   */
  waitFor(
    notificationId: number,
    options: {
      readonly timeoutMs?: number | undefined;
      readonly signal?: AbortSignal | undefined;
    } = {},
  ): Promise<void> {
    const { timeoutMs = DEFAULT_WAIT_MS, signal } = options;
    if (!Number.isSafeInteger(notificationId) || notificationId < 0) {
      return Promise.reject(
        new RangeError(
          `waitFor needs a notification id (0 or more), got ${String(notificationId)}`,
        ),
      );
    }
    if (!(typeof timeoutMs === "number" && timeoutMs >= 0)) {
      return Promise.reject(
        new RangeError(`timeoutMs must be a non-negative number, got ${String(timeoutMs)}`),
      );
    }
    if (this.#error) return Promise.reject(this.#error);
    if (notificationId <= this.#position) return Promise.resolve();
    if (this.#state !== "running") return Promise.reject(this.#notRunning());
    return new Promise<void>((resolve, reject) => {
      const end = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", aborted);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter = {
        notificationId,
        resolve: () => {
          end();
          resolve();
        },
        reject: (error) => {
          end();
          reject(error);
        },
        checking: false,
      };
      // Past the longest a timer can wait (Infinity among them), there is no timeout.
      const timer =
        timeoutMs > MAX_TIMER_MS
          ? undefined
          : setTimeout(
              () =>
                waiter.reject(
                  new TrackingTimeoutError(this.application.name, notificationId, timeoutMs),
                ),
              timeoutMs,
            );
      const aborted = () =>
        waiter.reject(
          new DOMException("The operation was aborted", {
            name: "AbortError",
            cause: signal?.reason,
          }),
        );
      if (signal?.aborted) return aborted();
      signal?.addEventListener("abort", aborted, { once: true });
      this.#waiters.add(waiter);
      this.#settle(waiter);
    });
  }

  /**
   * Resolves once the view shows every notification recorded when it is called (the
   * application's head then).
   *
   * @throws as `waitFor`.
   */
  async caughtUp(
    options: {
      readonly timeoutMs?: number | undefined;
      readonly signal?: AbortSignal | undefined;
    } = {},
  ) {
    await this.application.ready;
    return this.waitFor(await this.application.recorder.maxNotificationId(), options);
  }

  /**
   * Rebuilds the view from the start without a moment where readers see it half-built: the
   * projection processes every event again into a rebuild beside the live view (the live view
   * and this runner go on meanwhile), and once it has caught up, this runner pauses, the
   * rebuild catches up with what was saved meanwhile, and is switched in at once; the runner
   * goes on from the rebuild's position. A runner that isn't started rebuilds too (a command
   * to rebuild a read model needn't follow it afterwards).
   *
   * @param options.onProgress - told how far the rebuild has got, as `onProgress` is.
   * @throws the rebuild's `ProjectionError` if the projection fails on the way: the rebuild is
   *   discarded, and the live view is as it was.
   */
  async rebuild(
    options: { readonly onProgress?: ((progress: ProjectionProgress) => void) | undefined } = {},
  ): Promise<void> {
    if (this.#error) throw this.#error;
    const rebuild = await this.view.rebuild();
    const builder = new ProjectionRunner<S, E>({
      application: this.application,
      projection: this.projection,
      view: rebuild.view,
      pageSize: this.#pageSize,
      pollIntervalMs: this.#pollIntervalMs,
      onProgress: options.onProgress,
    });
    try {
      await builder.start();
      await builder.caughtUp({ timeoutMs: Number.POSITIVE_INFINITY });
      const following = this.#state === "running";
      if (following) await this.#pause();
      try {
        await builder.caughtUp({ timeoutMs: Number.POSITIVE_INFINITY });
        await builder.stop();
        await rebuild.switch();
      } finally {
        if (following && this.#state === "running") this.#begin();
      }
    } catch (error) {
      await builder.stop().catch(() => {});
      await rebuild.discard().catch(() => {});
      throw error;
    }
  }

  /** Ends the loop (a page being processed commits or rolls back first), to begin again. */
  async #pause(): Promise<void> {
    this.#controller.abort();
    await this.#loop;
  }

  /**
   * Stops following: a page being processed commits or rolls back first, and nothing of the
   * runner is left (no subscription, timer or listener). Waiters are told it stopped.
   *
   * @throws the runner's `ProjectionError`, if it failed.
   */
  async stop(): Promise<void> {
    if (this.#state === "running" || this.#state === "new") this.#state = "stopped";
    this.#controller.abort();
    await this.#loop;
    for (const waiter of this.#waiters) waiter.reject(this.#error ?? this.#notRunning());
    if (this.#error) throw this.#error;
  }

  /** Stops the runner: `await using runner = …`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Begins following, from the view's position. */
  #begin(): void {
    this.#controller = new AbortController();
    this.#loop = this.#run(this.#controller.signal).catch((error: unknown) => this.#fail(error));
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { application, projection } = this;
    let pause = FIRST_RETRY_MS;
    while (!signal.aborted) {
      let pages: Subscription<readonly Notification[]> | undefined;
      try {
        this.#advance(await this.view.maxTrackingId(application.name));
        pages = application.recorder.subscribePages({
          after: this.#position,
          topics: projection.topics,
          pageSize: this.#pageSize,
          pollIntervalMs: this.#pollIntervalMs,
          signal,
        });
        for await (const page of pages) {
          if (page.length === 0) {
            this.#meter.processed(0, true, this.#position);
            continue;
          }
          if (!(await this.#process(page))) break;
          pause = FIRST_RETRY_MS;
        }
      } catch (error) {
        if (signal.aborted) return;
        if (!isTransient(error)) throw error;
        this.#retries++;
        await pages?.return();
        // Aborted, the pause ends at once (stop() or a rebuild's pause).
        await sleep(pause, undefined, { signal }).catch(() => {});
        pause = Math.min(pause * 2, LAST_RETRY_MS);
      }
    }
  }

  /**
   * Processes a page in one transaction of the view. Resolves false if the view refused it
   * (another runner processed some of it first): the runner then resumes from the view.
   */
  async #process(page: readonly Notification[]): Promise<boolean> {
    const { application, projection } = this;
    const first = (page[0] as Notification).id;
    const last = (page.at(-1) as Notification).id;
    const { mapper, name } = application;
    // Decoded before the transaction begins, so that it holds its locks only while it writes.
    const events = page.map((notification): ProjectedEvent<E> => {
      try {
        return {
          domainEvent: mapper.toDomainEvent<E>(notification),
          tracking: tracking(name, notification.id),
        };
      } catch (error) {
        throw this.#failure(notification, "couldn't decode", error);
      }
    });
    const { processPage } = projection;
    try {
      await this.view.transaction({ applicationName: name, first, last }, async (session) => {
        if (processPage) {
          try {
            await processPage.call(projection, events, session);
          } catch (error) {
            throw isTransient(error) ? error : this.#failure(undefined, "failed at", error, page);
          }
          return;
        }
        for (const [index, { domainEvent, tracking }] of events.entries()) {
          try {
            await projection.process?.(domainEvent, session, tracking);
          } catch (error) {
            throw isTransient(error) ? error : this.#failure(page[index], "failed at", error);
          }
        }
      });
    } catch (error) {
      if (error instanceof IntegrityError && (await this.view.maxTrackingId(name)) >= first) {
        return false;
      }
      throw error instanceof ProjectionError || isTransient(error)
        ? error
        : this.#failure(undefined, "failed at", error, page);
    }
    this.#meter.processed(page.length, page.length < this.#pageSize, last);
    this.#advance(last);
    if (this.#meter.due()) {
      this.#meter.measured(await application.recorder.maxNotificationId(), undefined, last);
    }
    return true;
  }

  /** Moves the position on, and settles the waiters it satisfies. */
  #advance(position: number): void {
    this.#position = position;
    for (const waiter of this.#waiters) this.#settle(waiter);
  }

  /**
   * Resolves a waiter the view has caught up with; with topics, also one none of whose
   * notifications up to its id is of them (so none is still to come).
   */
  #settle(waiter: Waiter): void {
    if (waiter.notificationId <= this.#position) {
      waiter.resolve();
      return;
    }
    if (!this.projection.topics?.length || waiter.checking) return;
    waiter.checking = true;
    const from = this.#position;
    this.#hasMoreUpTo(waiter.notificationId).then(
      (more) => {
        waiter.checking = false;
        if (!more) waiter.resolve();
        // The runner moved on while the store was asked: what it found may be processed now.
        else if (this.#position !== from && this.#waiters.has(waiter)) this.#settle(waiter);
      },
      () => {
        waiter.checking = false;
      },
    );
  }

  /** Whether a notification of the projection's topics after the position is at or below `id`. */
  async #hasMoreUpTo(id: number): Promise<boolean> {
    if (id <= this.#position) return false;
    const { topics } = this.projection;
    const found = await this.application.recorder.selectNotifications(this.#position + 1, 1, {
      stop: id,
      ...(topics?.length ? { topics } : {}),
    });
    return found.length > 0;
  }

  /**
   * The error of a failure at `notification`, or at the notifications of `page`, or (neither
   * given) while following.
   */
  #failure(
    notification: Notification | undefined,
    what: string,
    error: unknown,
    page?: readonly Notification[],
  ): ProjectionError {
    const { name } = this.projection;
    const app = `'${this.application.name}'`;
    const at = notification
      ? `notification ${notification.id} of ${app} (${notification.topic}, ${notification.originatorId} v${notification.originatorVersion})`
      : page
        ? `notifications ${page[0]?.id}-${page.at(-1)?.id} of ${app}`
        : app;
    return new ProjectionError(
      name,
      notification?.id ?? 0,
      `Projection '${name}' ${what} ${at}: ${messageOf(error)}`,
      { cause: error },
    );
  }

  #fail(error: unknown): void {
    this.#state = "failed";
    this.#error =
      error instanceof ProjectionError
        ? error
        : this.#failure(undefined, "failed following", error);
    this.#controller.abort();
    for (const waiter of this.#waiters) waiter.reject(this.#error);
    this.#onError?.(this.#error);
  }

  #notRunning(): SystemError {
    return new SystemError(`The runner of projection '${this.projection.name}' is not running`);
  }
}
