/**
 * The `Application` base class: command and query methods over a domain model, with
 * `save()` to record aggregates' new events atomically, a `repository` to get aggregates back,
 * a notification `log` to propagate the application's state, and optional snapshotting.
 *
 * Its infrastructure comes from the environment (class `env` < process env < constructor
 * `env`), and building it may import an adapter package, which JavaScript can only do
 * asynchronously: the constructor starts that work, every async method waits for it, and
 * `await app.ready` waits explicitly before using the synchronous accessors.
 */
import {
  type Aggregate,
  type AggregateConstructor,
  type DomainEvent,
  derivedClassName,
  messageOf,
} from "@es/domain";
import {
  type ApplicationRecorder,
  CHECKPOINT_INTERVAL,
  Checkpointer,
  CheckpointStore,
  type Cipher,
  type Compressor,
  ConfigurationError,
  checkSubscribeOptions,
  Environment,
  type EnvValues,
  type EventStore,
  envSchemas,
  HashChain,
  type Infrastructure,
  InfrastructureFactory,
  type InfrastructureFactoryClass,
  type IntegrityReport,
  type IntegrityViolation,
  IS_EVENT_HASHING_ENABLED,
  IS_SNAPSHOTTING_ENABLED,
  type Mapper,
  type SubscribeOptions,
  type Subscription,
  type Transcoder,
  verifyStore,
} from "@es/persistence-core";
import {
  AGGREGATE_CACHE_FASTFORWARD,
  AGGREGATE_CACHE_MAXSIZE,
  AggregateCache,
} from "./aggregate-cache.js";
import { deferred } from "./deferred.js";
import { ApplicationStateError, SnapshottingDisabledError } from "./errors.js";
import {
  aggregateViolation,
  type CheckpointingOptions,
  signingKeyOf,
  type VerifyOptions,
  verifyingKeyOf,
} from "./integrity.js";
import { LocalNotificationLog, type NotificationLog } from "./notification-log.js";
import { Repository } from "./repository.js";
import { snapshotOf } from "./snapshot-of.js";
import { applicationSubscription, type SubscribedEvent } from "./subscription.js";

/** An automatic snapshot that failed after the events it follows were recorded. */
export interface SnapshotFailure {
  /** The aggregate whose snapshot failed. */
  readonly aggregateId: string;
  /** The version the snapshot was to be taken at. */
  readonly version: number;
  /** The notification ids of the save's recorded events. */
  readonly notificationIds: readonly number[];
}

/** How an application is configured in code; the environment configures the rest. */
export interface ApplicationOptions {
  /** Environment variables for this application; they win over the process environment. */
  readonly env?: EnvValues;
  /**
   * The store, configured in code (`sqlite({ path: "worlds.db" })`, `inMemory()`); without
   * it, `INFRASTRUCTURE_FACTORY` names one (in memory when it names none).
   */
  readonly infrastructure?: Infrastructure;
  /** Encryption, in code (`new AESCipher(key)`); without it, `CIPHER_KEY` and `CIPHER_TOPIC`. */
  readonly cipher?: Cipher;
  /** Compression, in code (`new ZlibCompressor()`); without it, `COMPRESSOR_TOPIC`. */
  readonly compressor?: Compressor;
  /** A factory class to configure from the environment, instead of the one it names. */
  readonly factory?: InfrastructureFactoryClass;
}

interface ApplicationInfrastructure {
  readonly factory: InfrastructureFactory;
  readonly mapper: Mapper;
  readonly recorder: ApplicationRecorder;
  readonly events: EventStore<ApplicationRecorder>;
  readonly snapshots: EventStore | null;
  readonly repository: Repository;
  readonly log: LocalNotificationLog;
}

/**
 * An event-sourced application: it saves aggregates' new events atomically, gets aggregates
 * back from their events (and snapshots), and presents its events in order as a notification
 * log that other applications and read models follow. Its store is chosen by configuration —
 * in code (`infrastructure`), or by the environment (`INFRASTRUCTURE_FACTORY`, in memory by
 * default) — so the same class runs in memory in tests and on a database in production.
 *
 * @example
 * ```ts
 * class Worlds extends Application {
 *   static override applicationName = "Worlds";
 *
 *   async createWorld(): Promise<string> {
 *     const world = World.create();
 *     await this.save(world);
 *     return world.id;
 *   }
 * }
 *
 * const app = new Worlds({ env: { INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: "worlds.db" } });
 * const id = await app.createWorld();
 * const world = await app.repository.get<World>(id);
 * await app.close();
 * ```
 */
export class Application {
  /** Default environment of the class; the process environment and constructor `env` win. */
  static env: EnvValues = {};
  /** Enables snapshotting for every instance (unless the environment says otherwise). */
  static isSnapshottingEnabled = false;
  /**
   * Hash-chains every instance's stored events, each to its aggregate's previous one, and
   * checks the chain whenever an aggregate is read (unless the environment says otherwise).
   */
  static isEventHashingEnabled = false;
  /** Aggregate classes snapshotted automatically every so many versions when saved. */
  static snapshottingIntervals: ReadonlyMap<AggregateConstructor, number> | null = null;
  /** The number of notifications in a section of the notification log. */
  static logSectionSize = LocalNotificationLog.DEFAULT_SECTION_SIZE;
  /**
   * The application's name: it prefixes the application's environment variables and names
   * its tables. Each class has its own: the one it sets here, else its class name (refused
   * where a minifier may have renamed the class, so set it where code is bundled).
   */
  static applicationName: string | undefined;

  /** The application's name. */
  readonly name: string;
  /** The application's environment: class env < process env < constructor env. */
  readonly env: Readonly<Record<string, string>>;
  /** Resolves when the infrastructure is built (rejects if it can't be). */
  readonly ready: Promise<void>;

  /** The environment `env` is the values of, read by name (prefixed by the application's). */
  readonly #environment: Environment;
  readonly #snapshotting: boolean;
  #infrastructure: ApplicationInfrastructure | undefined;
  #closed = false;
  #events: Pick<EventStore<ApplicationRecorder>, "put" | "get"> | undefined;
  #repository: Pick<Repository, "get" | "has"> | undefined;
  #log: NotificationLog | undefined;
  #snapshots: Pick<EventStore, "put" | "get"> | undefined;
  #checkpointStore: Promise<CheckpointStore> | undefined;
  /** The subscriptions that may still be going on: `close()` ends them. */
  readonly #subscriptions = new Set<Subscription<SubscribedEvent>>();

  constructor(options: ApplicationOptions = {}) {
    const cls = this.constructor as ApplicationClass;
    this.name = applicationNameOf(cls);
    claimName(this.name);
    // An environment's values are frozen, and shown with secrets (CIPHER_KEY, passwords)
    // redacted when inspected.
    this.#environment = new Environment(this.name, this.constructEnv(options.env ?? {}));
    this.env = this.#environment.values as Readonly<Record<string, string>>;
    this.#snapshotting = this.#environment.read(IS_SNAPSHOTTING_ENABLED, envSchemas.boolean(false));
    this.ready = this.#build(options);
    // The failure is reported by whichever call awaits `ready`; don't also crash the process.
    this.ready.catch(() => {});
  }

  /** Merges class env, snapshotting defaults, process env and constructor env. */
  protected constructEnv(given: EnvValues): Record<string, string> {
    const cls = this.constructor as ApplicationClass;
    const env: Record<string, string | undefined> = { ...cls.env };
    if (cls.isSnapshottingEnabled || (cls.snapshottingIntervals?.size ?? 0) > 0) {
      env[IS_SNAPSHOTTING_ENABLED] = "y";
    }
    if (cls.isEventHashingEnabled) env[IS_EVENT_HASHING_ENABLED] = "y";
    Object.assign(env, process.env, given);
    return Object.fromEntries(
      Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
  }

  async #build(options: ApplicationOptions): Promise<void> {
    const factory = await InfrastructureFactory.construct({
      applicationName: this.name,
      env: this.env,
      infrastructure: options.infrastructure,
      cipher: options.cipher,
      compressor: options.compressor,
      factory: options.factory,
    });
    try {
      const transcoder = factory.transcoder();
      this.registerTranscodings(transcoder);
      const mapper = factory.mapper(transcoder);
      const recorder = await this.constructRecorder(factory);
      const chain = factory.isEventHashingEnabled() ? new HashChain(this.name) : undefined;
      const events = factory.eventStore(mapper, recorder, chain);
      const snapshots = this.#snapshotting
        ? factory.eventStore(mapper, await factory.aggregateRecorder("snapshots"))
        : null;
      const cls = this.constructor as ApplicationClass;
      const env = this.#environment;
      const cacheSize = env.read(
        AGGREGATE_CACHE_MAXSIZE,
        envSchemas.integer(undefined, { min: 0 }),
      );
      this.#infrastructure = {
        factory,
        mapper,
        recorder,
        events,
        snapshots,
        repository: new Repository({
          eventStore: events,
          snapshotStore: snapshots,
          applicationName: this.name,
          cache: cacheSize === undefined ? undefined : new AggregateCache(transcoder, cacheSize),
          fastForward: env.read(AGGREGATE_CACHE_FASTFORWARD, envSchemas.boolean(true)),
        }),
        log: new LocalNotificationLog(recorder, cls.logSectionSize),
      };
    } catch (error) {
      await factory.close();
      throw error;
    }
  }

  #get(): ApplicationInfrastructure {
    if (this.#closed) throw new ApplicationStateError(`${this.name} is closed`);
    if (!this.#infrastructure) {
      throw new ApplicationStateError(
        `${this.name} is not ready yet: await app.ready (or any async method) first`,
      );
    }
    return this.#infrastructure;
  }

  /** Waits for the infrastructure (every async method does). */
  protected async infrastructure(): Promise<ApplicationInfrastructure> {
    if (!this.#infrastructure) await this.ready;
    return this.#get();
  }

  /** The infrastructure, if it is built and the application open (else wait for it). */
  #ready(): ApplicationInfrastructure | undefined {
    return this.#closed ? undefined : this.#infrastructure;
  }

  /**
   * The application's recorder: an application recorder, or a process recorder for an
   * application that tracks what it has processed (`@es/system`'s followers).
   */
  protected constructRecorder(factory: InfrastructureFactory): Promise<ApplicationRecorder> {
    return factory.applicationRecorder();
  }

  /** Registers custom transcodings; extend it and call `super.registerTranscodings(transcoder)`. */
  protected registerTranscodings(_transcoder: Transcoder): void {}

  /**
   * The infrastructure factory the store was built with.
   *
   * @throws {@link ApplicationStateError} before the application is ready, or once closed.
   */
  get factory(): InfrastructureFactory {
    return this.#get().factory;
  }
  /** The mapper (synchronous, so available once the application is ready). */
  get mapper(): Mapper {
    return this.#get().mapper;
  }
  /**
   * The application recorder: the store's events and notifications, as stored records.
   *
   * @throws {@link ApplicationStateError} before the application is ready, or once closed.
   */
  get recorder(): ApplicationRecorder {
    return this.#get().recorder;
  }

  /** The application's event store; usable at once (its methods wait until ready). */
  get events(): Pick<EventStore<ApplicationRecorder>, "put" | "get"> {
    this.#events ??= deferred(
      async () => (await this.infrastructure()).events,
      ["put", "get"],
      () => this.#ready()?.events,
    );
    return this.#events;
  }
  /** Gets aggregates; usable at once (its methods wait until ready). */
  get repository(): Pick<Repository, "get" | "has"> {
    this.#repository ??= deferred(
      async () => (await this.infrastructure()).repository,
      ["get", "has"],
      () => this.#ready()?.repository,
    );
    return this.#repository;
  }
  /** The notification log; usable at once (its methods wait until ready). */
  get log(): NotificationLog {
    this.#log ??= {
      ...deferred(
        async () => (await this.infrastructure()).log,
        ["section", "select"],
        () => this.#ready()?.log,
      ),
      sectionSize: (this.constructor as ApplicationClass).logSectionSize,
    };
    return this.#log;
  }
  /** The snapshot store, or null when snapshotting is disabled (known at construction). */
  get snapshots(): Pick<EventStore, "put" | "get"> | null {
    if (!this.#snapshotting) return null;
    this.#snapshots ??= deferred(async () => {
      const { snapshots } = await this.infrastructure();
      if (!snapshots) throw new ApplicationStateError(`${this.name} has no snapshot store`);
      return snapshots;
    }, ["put", "get"]);
    return this.#snapshots;
  }

  /**
   * Records the new events of the aggregates atomically (all or none), takes any automatic
   * snapshots due, then calls `notify()`. Resolves to the new notification ids.
   *
   * The events saved are those pending when `save` is called. They stay pending until they
   * are recorded, so a save that fails (a conflict, a lock timeout, a value that can't be
   * encoded) loses nothing and can be retried. Once they are recorded the save succeeds: an
   * automatic snapshot that fails then is reported by `snapshotFailed()`, not thrown.
   *
   * @throws IntegrityError (a `RecordConflictError`) if another save recorded one of these
   *   aggregates' versions first: nothing of this save is recorded.
   * @throws {@link ApplicationStateError} once the application is closed.
   */
  async save(...aggregates: readonly (Aggregate | null | undefined)[]): Promise<readonly number[]> {
    // Loops rather than Set, map and flatMap: a save is mostly of one aggregate, and these
    // were a tenth of what saving one event costs in memory.
    const present: Aggregate[] = [];
    const batches: (readonly [Aggregate, number])[] = [];
    const newEvents: DomainEvent[] = [];
    // Each aggregate once: by looking through the few, or a set of the many.
    const seen = aggregates.length > 16 ? new Set<Aggregate>() : undefined;
    for (const aggregate of aggregates) {
      if (aggregate == null || (seen ? seen.has(aggregate) : present.includes(aggregate))) {
        continue;
      }
      seen?.add(aggregate);
      present.push(aggregate);
      const pending = aggregate.pendingEvents;
      batches.push([aggregate, pending.length]);
      for (const pendingEvent of pending) newEvents.push(pendingEvent);
    }
    const { events } = this.#ready() ?? (await this.infrastructure());
    let ids: readonly number[];
    try {
      ids = await events.put(newEvents, { aggregates: present });
    } catch (error) {
      this.forgetCached(present);
      throw error;
    }
    const saved: Aggregate[] = [];
    for (const [aggregate, count] of batches) {
      aggregate.collectEvents(count);
      if (count > 0) saved.push(aggregate);
    }
    this.cacheRecorded(saved);
    if ((this.constructor as ApplicationClass).snapshottingIntervals?.size) {
      await this.takeSnapshotsDue(present, newEvents, ids);
    }
    // Awaited only if it is async: the default does nothing, and most saves need no more turns.
    const notified = this.notify(newEvents);
    if (notified) await notified;
    return ids;
  }

  /**
   * Keeps the aggregate cache (if the application keeps one) in step with a recording of these
   * aggregates' new events: each is kept as recorded, or forgotten if events were triggered
   * on it meanwhile (its state is then not what was recorded). Whatever records events outside
   * `save` (a follower's pages) calls it once they are recorded.
   */
  protected cacheRecorded(aggregates: readonly Aggregate[]): void {
    const cache = this.#infrastructure?.repository.cache;
    if (!cache) return;
    for (const aggregate of aggregates) {
      if (aggregate.pendingEvents.length === 0) cache.put(aggregate);
      else cache.forget(aggregate.id);
    }
  }

  /**
   * Makes the aggregate cache forget these aggregates after a recording of their events failed:
   * a cached copy behind the store may be why it conflicted, and the next get reads the store.
   */
  protected forgetCached(aggregates: readonly Aggregate[]): void {
    const cache = this.#infrastructure?.repository.cache;
    for (const aggregate of aggregates) cache?.forget(aggregate.id);
  }

  /**
   * A live subscription to the application's domain events: those recorded after notification
   * `options.after` (of `options.topics`, if given), in notification order, then each new one
   * as it is recorded — each once, none missed — with its tracking record. It ends when the
   * loop that iterates it breaks, on `return()`, when `options.signal` aborts, and when the
   * application closes. It is usable at once (it waits until the application is ready).
   *
   * @example
   * ```ts
   * for await (const { domainEvent, tracking } of app.subscribe({ after: 0 })) {
   *   console.log(tracking.notificationId, domainEvent.originatorId);
   * }
   * ```
   * @throws TypeError, RangeError (at once) naming an option that is bad.
   * @throws {@link ApplicationStateError} once the application is closed.
   * @throws StoredEventDecodingError (from `next()`) if a stored event can't be decoded: the
   *   subscription ends there.
   */
  subscribe<E extends DomainEvent = DomainEvent>(
    options: SubscribeOptions = {},
  ): Subscription<SubscribedEvent<E>> {
    if (this.#closed) throw new ApplicationStateError(`${this.name} is closed`);
    checkSubscribeOptions(options);
    const subscriptions = this.#subscriptions;
    const made: Subscription<SubscribedEvent<E>> = applicationSubscription<E>(
      {
        name: this.name,
        ready: async () => {
          await this.ready;
          return this.#closed ? undefined : this.#get();
        },
        ended: () => subscriptions.delete(made),
      },
      options,
    );
    subscriptions.add(made);
    return made;
  }

  /**
   * Called after new events are recorded; override to react (process applications prompt
   * followers). A save waits for what it returns, if it returns a promise.
   */
  protected notify(_newEvents: readonly DomainEvent[]): void | Promise<void> {}

  protected async takeSnapshotsDue(
    aggregates: readonly Aggregate[],
    newEvents: readonly DomainEvent[],
    notificationIds: readonly number[] = [],
  ) {
    const intervals = (this.constructor as ApplicationClass).snapshottingIntervals;
    if (!intervals) return;
    const byId = new Map(aggregates.map((a) => [a.id, a]));
    for (const event of newEvents) {
      const aggregate = byId.get(event.originatorId);
      const interval = aggregate
        ? intervals.get(aggregate.constructor as AggregateConstructor)
        : undefined;
      if (!aggregate || !interval || event.originatorVersion % interval !== 0) continue;
      try {
        if (event.originatorVersion === aggregate.version) {
          await this.#get().snapshots?.put([snapshotOf(aggregate)]);
        } else {
          await this.takeSnapshot(aggregate.id, event.originatorVersion);
        }
      } catch (error) {
        this.snapshotFailed(error, {
          aggregateId: aggregate.id,
          version: event.originatorVersion,
          notificationIds,
        });
      }
    }
  }

  /**
   * Reports an automatic snapshot that failed after a save's events were recorded. The save
   * itself succeeded (snapshots only shorten reading); by default this emits a process
   * warning, `ES_SNAPSHOT_FAILED`. Override it to log or count such failures elsewhere.
   */
  protected snapshotFailed(error: unknown, failure: SnapshotFailure): void {
    const ids = failure.notificationIds.join(", ");
    process.emitWarning(
      `The events of ${failure.aggregateId} were recorded (notifications ${ids}), but its ` +
        `snapshot at version ${failure.version} could not be taken: ${messageOf(
          error,
        )}. The save succeeded; a snapshot can be taken later with takeSnapshot().`,
      { code: "ES_SNAPSHOT_FAILED" },
    );
  }

  /**
   * Takes a snapshot of the aggregate as recorded (at `version`, default latest), reading it
   * from the store rather than trusting an object in memory.
   *
   * @throws {@link SnapshottingDisabledError} if snapshotting is not enabled.
   * @throws {@link AggregateNotFoundError} if the aggregate has no events.
   */
  async takeSnapshot(aggregateId: string, version?: number): Promise<void> {
    const { snapshots, repository } = await this.infrastructure();
    if (!snapshots) {
      throw new SnapshottingDisabledError(
        "Can't take snapshot without snapshots store. Please set environment variable " +
          "IS_SNAPSHOTTING_ENABLED to a true value (e.g. 'y'), or set 'isSnapshottingEnabled' " +
          "on application class, or set 'snapshottingIntervals' on application class.",
      );
    }
    const aggregate = await repository.get(aggregateId, { version });
    await snapshots.put([snapshotOf(aggregate)]);
  }

  /**
   * Checks one aggregate's stored events against its hash chain, from its first event: the
   * first violation (events recorded without hashes among them), or undefined if there is none.
   * Needs no cipher key: the stored bytes are hashed.
   */
  async verifyAggregate(aggregateId: string): Promise<IntegrityViolation | undefined> {
    const { recorder } = await this.infrastructure();
    return aggregateViolation(this.name, aggregateId, await recorder.selectEvents(aggregateId));
  }

  /**
   * Walks the whole notification log and reports every violation: of the aggregates' hash
   * chains, of ranges recorded without hashes, of the checkpoints (their hashes, their
   * signatures) and of a checkpoint kept elsewhere. Needs no cipher key.
   *
   * @example
   * ```ts
   * const report = await app.verifyStore({ verifyingKey, checkpoint: importCheckpoint(kept) });
   * if (report.violationCount > 0) console.error(report.violations[0]);
   * ```
   * @throws {@link ConfigurationError} if the verifying key (given or in the environment) is not an Ed25519 key.
   */
  async verifyStore(options: VerifyOptions = {}): Promise<IntegrityReport> {
    const { recorder, factory } = await this.infrastructure();
    return verifyStore(recorder, {
      checkStorage: () => factory.checkStorage(),
      chain: new HashChain(this.name),
      checkpoints: await this.#checkpointsKept(factory),
      publicKey: verifyingKeyOf(this.#environment, options.verifyingKey),
      checkpoint: options.checkpoint,
      onProgress: options.onProgress,
      pageSize: options.pageSize,
    });
  }

  /**
   * A checkpointer of this application's log: it adds a checkpoint, signed with the key, every
   * so many notifications (`catchUp()` to the end of the log, `follow()` as it grows). Its
   * checkpoints are kept in the application's `checkpoints` table; export one to keep it
   * elsewhere (`exportCheckpoint`).
   *
   * @throws {@link ConfigurationError} if there is no signing key, or it is not an Ed25519 private key.
   */
  async checkpointer(options: CheckpointingOptions = {}): Promise<Checkpointer> {
    const env = this.#environment;
    const key = signingKeyOf(env, options.signingKey);
    const { recorder } = await this.infrastructure();
    return new Checkpointer({
      applicationName: this.name,
      recorder,
      checkpoints: await this.#checkpoints(),
      signingKey: key,
      every: options.every ?? env.read(CHECKPOINT_INTERVAL, envSchemas.integer(1000, { min: 1 })),
    });
  }

  /**
   * The application's checkpoints, for a verify: none if the store has no checkpoints table. A
   * store opened without making tables (`CREATE_TABLE` off, as `es` opens stores) has none until
   * a checkpointer has run: that is a store without checkpoints, not a failure.
   */
  async #checkpointsKept(factory: InfrastructureFactory): Promise<CheckpointStore | undefined> {
    const checkpoints = await this.#checkpoints();
    try {
      await checkpoints.last();
      return checkpoints;
    } catch (error) {
      const table = factory.recorderTableName("checkpoints");
      if (table === undefined) throw error;
      const { tables } = await factory.describeStore();
      if (tables.some(({ name }) => name === table)) throw error;
      return undefined;
    }
  }

  /** The application's checkpoints (their table made on first use). */
  #checkpoints(): Promise<CheckpointStore> {
    this.#checkpointStore ??= this.infrastructure()
      .then(({ factory }) => factory.aggregateRecorder("checkpoints"))
      .then((recorder) => new CheckpointStore(recorder));
    // A store that failed to open is tried again by the next call.
    this.#checkpointStore.catch(() => {
      this.#checkpointStore = undefined;
    });
    return this.#checkpointStore;
  }

  /** Ends the application's subscriptions, then releases the infrastructure (connections, files). */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.ready;
    } catch {
      return;
    } finally {
      this.#closed = true;
    }
    // Before the store closes, so that none is left reading it, listening or waiting.
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.return()));
    await this.#infrastructure?.factory.close();
  }
}

/**
 * A class of applications `A`: `Application` or a subclass, with the statics it inherits
 * (`applicationName`, `env`, …). What a system is defined with, and what a runner looks its
 * applications up by: `runner.get(Worlds)` is a `Worlds`. Not abstract, as a system makes
 * instances of its classes.
 */
export type ApplicationClass<A extends Application = Application> = (new (
  options?: ApplicationOptions,
) => A) &
  Omit<typeof Application, "prototype">;

const NAMES = Symbol.for("@es/application.names");
/**
 * The names of this process's applications by their environment prefix: global, as the
 * registry of topics is, so that several copies of this package see one another's.
 */
const registry = globalThis as { [NAMES]?: Map<string, string> };
registry[NAMES] ??= new Map();
const names: Map<string, string> = registry[NAMES];

/**
 * Claims the environment prefix (and tables) of a name for it. A name prefixes variables
 * upper-cased with punctuation made `_`, and names tables lower-cased, so `Ledger` and `LEDGER`
 * (or `a-b` and `a.b`) would share what they read and write without a word: the second is
 * refused. Applications of one name share them on purpose, as instances of one application.
 */
function claimName(name: string): void {
  const prefix = new Environment(name).keysFor("")[0] ?? "";
  if (prefix === "") return;
  const other = names.get(prefix);
  if (other === undefined) {
    names.set(prefix, name);
    return;
  }
  if (other === name) return;
  const tables =
    other.toLowerCase() === name.toLowerCase() ? ` and tables (${name.toLowerCase()}_…)` : "";
  throw new ConfigurationError(
    `Application name '${name}' folds to the same environment prefix (${prefix})${tables} as '${other}', another application in this process: they would share them; give one of them another name`,
  );
}

/**
 * The name an application class's instances get (`static applicationName`, else the class
 * name, checked): for code that names applications before making them, as a system does.
 *
 * @throws {@link ConfigurationError} when the name would come from a class name a minifier made.
 */
export function applicationNameOf(cls: ApplicationClass): string {
  if (Object.hasOwn(cls, "applicationName") && cls.applicationName !== undefined) {
    return cls.applicationName;
  }
  // The base class's own name is fixed (a minifier renames it); anonymous classes have none.
  if (cls === Application) return "Application";
  if (cls.name === "") return "";
  return derivedClassName(
    cls,
    "an application name (which names its tables and prefixes its environment variables)",
    `give the class its name as a string: static applicationName = "Name"`,
    ConfigurationError,
  );
}
