/**
 * Runs each follower of a system in a worker process of its own, all sharing a durable store
 * (a SQLite file, or PostgreSQL — then the workers may as well run on other machines). The
 * runner's own process has an instance of every application, for commands and queries
 * (`runner.get()`); what those instances save, the workers process.
 *
 * Workers load the system from a module (`module`, which exports it as `exportName`), so that
 * they have the same classes: the runner checks that it is the same system. Prompts cross
 * processes by the store's channel when it has one (PostgreSQL's LISTEN/NOTIFY), otherwise the
 * runner relays them; workers also poll, so a lost prompt only delays processing.
 *
 * Projections run in worker processes of their own too (`projections`: the modules that export
 * their definitions). The runner's process loads each definition as well: to check that its
 * application is one of the system's, and to make its view, so that `idle()` can read from the
 * store how far the projection has got.
 *
 * A worker that dies (killed, out of memory) is started again, and resumes after the last
 * notification it recorded (a projection's worker, after the last its view tracked): each
 * notification is still processed exactly once. A worker whose application fails to start or
 * to process is not (it would fail again), nor one whose projection fails: the failure is in
 * `errors`, and `stop()` rejects with the first. Each worker's process is kept so by a
 * `WorkerSupervisor`.
 */
import { extname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Application, type ApplicationClass, applicationNameOf } from "@es/application";
import type { EnvValues, View } from "@es/persistence-core";
import { SystemDefinitionError, SystemError } from "./errors.js";
import type { Follower } from "./follower.js";
import type { Leading } from "./leading.js";
import {
  loadProjectionDefinition,
  type ProjectionDefinition,
  type ProjectionModule,
} from "./projection-definition.js";
import { Runner, type RunnerOptions } from "./runner.js";
import type { System } from "./system.js";
import {
  crossProcessPrompts,
  definitionOf,
  type StartMessage,
  type WorkerStartMessage,
} from "./worker-protocol.js";
import { WorkerSupervisor } from "./worker-supervisor.js";

/** How a `MultiProcessRunner` starts its workers. */
export interface MultiProcessRunnerOptions extends RunnerOptions {
  /** The module that exports the system (a URL, or a file's path), for the workers to load. */
  readonly module: string | URL;
  /** The name the module exports the system by (default `system`). */
  readonly exportName?: string;
  /** Node's options for the workers (default: this process's, e.g. a TypeScript loader). */
  readonly execArgv?: readonly string[];
  /** How often each worker pulls, prompted or not, in milliseconds (default 1000). */
  readonly pollIntervalMs?: number;
  /** How long a worker may take to start, in milliseconds (default 30000). */
  readonly startTimeoutMs?: number;
  /**
   * The followers this runner runs workers for (default: all). Runners on other machines, on
   * the same PostgreSQL database, run the others.
   */
  readonly followers?: readonly ApplicationClass[];
  /**
   * The projections this runner runs, each in a worker process of its own: the modules that
   * export their definitions (`ProjectionDefinition`), and the names they export them by.
   * With any, the applications NOTIFY subscribers on PostgreSQL (`POSTGRES_NOTIFY_SUBSCRIBERS`,
   * unless this runner's `env` or the process's environment sets it), so that the projections'
   * workers are woken by each save rather than find it when they poll.
   */
  readonly projections?: readonly ProjectionModule[];
}

/** A worker script beside this file: `.ts` in the sources, `.js` when built. */
const script = (name: string): string =>
  fileURLToPath(new URL(`./${name}${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
const WORKER = script("worker");
const PROJECTION_WORKER = script("projection-worker");

/** What tells an application on PostgreSQL to NOTIFY subscriptions after each commit. */
const NOTIFY_SUBSCRIBERS = "POSTGRES_NOTIFY_SUBSCRIBERS";

/** A projection this runner runs: its definition, its view here, and its worker. */
interface RunProjection {
  readonly definition: ProjectionDefinition<unknown>;
  /** The name of the application it follows. */
  readonly upstream: string;
  /** Its view, made by this process: how far it has got, as the store says. */
  readonly view: View<unknown>;
  readonly worker: WorkerSupervisor;
}

/**
 * Runs each follower in a worker process of its own, on a store the processes share (a SQLite
 * file, or PostgreSQL); the runner's process has every application, for commands and queries.
 * A worker that dies is started again and resumes after the last notification it recorded.
 *
 * @example
 * ```ts
 * // system.ts exports `system`; the workers import it too.
 * const runner = new MultiProcessRunner(system, {
 *   module: new URL("./system.ts", import.meta.url),
 *   env: { INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: "counters.db" },
 * });
 * await runner.start();
 * await runner.get(Worlds).createWorld();
 * await runner.idle();
 * await runner.stop();
 * ```
 * @throws {@link SystemError} from `start()`, for a store in memory or a worker that fails to
 *   start.
 */
export class MultiProcessRunner extends Runner {
  /** The module that exports the system, as a URL: what the workers import. */
  readonly module: string;
  /** The name the module exports the system by. */
  readonly exportName: string;
  /** Node's options for the workers. */
  readonly execArgv: readonly string[];
  /** How often each worker pulls, prompted or not, in milliseconds. */
  readonly pollIntervalMs: number;
  /** How long a worker may take to start, in milliseconds. */
  readonly startTimeoutMs: number;
  /** The names of the followers this runner runs workers for. */
  readonly followerNames: readonly string[];
  /** The modules of the projections this runner runs workers for, as URLs. */
  readonly projectionModules: readonly { readonly module: string; readonly exportName: string }[];
  readonly #workers = new Map<string, WorkerSupervisor>();
  /** The projections run, by projection name (once started). */
  readonly #projections = new Map<string, RunProjection>();
  #prompts: "channel" | "relay" = "relay";
  #restarts = 0;

  constructor(system: System, options: MultiProcessRunnerOptions) {
    const { env = {}, projections = [] } = options;
    super(system, { env: projections.length > 0 ? notifyingSubscribers(env) : env });
    const { module, exportName = "system", execArgv = process.execArgv } = options;
    this.module = moduleUrl(module);
    this.projectionModules = projections.map((projection) => ({
      module: moduleUrl(projection.module),
      exportName: projection.exportName,
    }));
    this.exportName = exportName;
    this.execArgv = execArgv;
    this.pollIntervalMs = positive(options.pollIntervalMs ?? 1_000, "pollIntervalMs");
    this.startTimeoutMs = positive(options.startTimeoutMs ?? 30_000, "startTimeoutMs");
    this.followerNames = options.followers
      ? options.followers.map((cls) => {
          const name = this.nameOf(cls);
          if (!system.followers.includes(name)) {
            throw new SystemDefinitionError(`'${name}' doesn't follow anything in this system`);
          }
          return name;
        })
      : system.followers;
  }

  /** How many times workers that died were started again. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The process id of the worker running the follower `cls`, while one runs. */
  pidOf(cls: ApplicationClass): number | undefined {
    return this.#workers.get(this.nameOf(cls))?.pid;
  }

  /** The names of the projections this runner runs (once started). */
  get projectionNames(): readonly string[] {
    return [...this.#projections.keys()];
  }

  /** The process id of the worker running the projection named `name`, while one runs. */
  projectionPid(name: string): number | undefined {
    return this.#projections.get(name)?.worker.pid;
  }

  protected async startApplications(): Promise<void> {
    for (const name of this.system.nodes.keys()) {
      const app = await this.make(name);
      this.apps.set(name, app);
      if (!app.factory.isSharedByProcesses) {
        throw new SystemError(
          `A MultiProcessRunner needs a store its processes share (a SQLite file, or PostgreSQL), but '${name}' keeps its events in memory: set INFRASTRUCTURE_FACTORY`,
        );
      }
    }
    const apps = [...this.apps.values()];
    this.#prompts = apps.every((app) => app.factory.promptChannel()) ? "channel" : "relay";
    for (const name of this.system.leaders) {
      const leader = this.apps.get(name) as Application & Leading;
      leader.lead(crossProcessPrompts(leader, this.#prompts, (name) => this.#relay(name)));
    }
    const env = Object.fromEntries(
      Object.entries(this.env).filter((entry): entry is [string, string] => entry[1] != null),
    );
    const start: Omit<StartMessage, "name"> = {
      type: "start",
      module: this.module,
      exportName: this.exportName,
      env,
      definition: definitionOf(this.system),
      prompts: this.#prompts,
      pollIntervalMs: this.pollIntervalMs,
    };
    for (const name of this.followerNames) {
      this.#workers.set(name, this.#supervisor(WORKER, { ...start, name }));
    }
    for (const { module, exportName } of this.projectionModules) {
      const definition = await loadProjectionDefinition(module, exportName);
      const { name } = definition.projection;
      const upstream = applicationNameOf(definition.application);
      const app = this.apps.get(upstream);
      if (!app) {
        throw new SystemDefinitionError(
          `Projection '${name}' ('${exportName}' of ${module}) follows '${upstream}', which isn't an application of this system`,
        );
      }
      if (this.#projections.has(name)) {
        throw new SystemDefinitionError(`Two projections are named '${name}': give each its own`);
      }
      const worker = this.#supervisor(PROJECTION_WORKER, {
        type: "start-projection",
        module,
        exportName,
        name,
        application: upstream,
        env,
        pollIntervalMs: this.pollIntervalMs,
      });
      this.#projections.set(name, {
        definition,
        upstream,
        view: await definition.view(app),
        worker,
      });
    }
    const workers = [...this.#workers.values(), ...this.#projectionWorkers()];
    const failed = (await Promise.allSettled(workers.map((worker) => worker.start()))).filter(
      (result): result is PromiseRejectedResult => result.status === "rejected",
    );
    if (failed[0]) throw failed[0].reason;
  }

  /** A supervisor of the worker `script`, started with `start`. */
  #supervisor(script: string, start: WorkerStartMessage): WorkerSupervisor {
    return new WorkerSupervisor({
      script,
      start,
      execArgv: this.execArgv,
      startTimeoutMs: this.startTimeoutMs,
      onPrompt: (leaderName) => this.#relay(leaderName),
      onFailed: (error) => this.failures.push(error),
      onRestart: () => {
        this.#restarts += 1;
      },
    });
  }

  #projectionWorkers(): WorkerSupervisor[] {
    return [...this.#projections.values()].map(({ worker }) => worker);
  }

  /** Passes a prompt from `leaderName` to the workers of its followers. */
  #relay(leaderName: string): void {
    for (const follower of this.system.followersOf(leaderName)) {
      this.#workers.get(follower)?.send({ type: "prompt", leader: leaderName });
    }
  }

  /**
   * Resolves when every follower this runner runs has processed every notification of the
   * applications it follows, and every projection it runs has too (or none of its topics is
   * left), as the store says (and what that processing recorded in turn); rejects with the
   * first failure of a worker.
   */
  async idle(): Promise<void> {
    const edges = this.system.edges.filter(([, follower]) => this.followerNames.includes(follower));
    const projections = [...this.#projections.values()];
    // Each upstream application's last notification is read once a round, however many
    // followers and projections it has.
    const upstreams = [
      ...new Set([...edges.map(([leader]) => leader), ...projections.map((p) => p.upstream)]),
    ];
    let previous = "";
    for (;;) {
      const [first] = this.failures;
      if (first) throw first;
      const recorded = await Promise.all(
        upstreams.map((name) => (this.apps.get(name) as Application).recorder.maxNotificationId()),
      );
      const headOf = (name: string) => recorded[upstreams.indexOf(name)] ?? 0;
      const done = await Promise.all(
        edges.map(([leader, follower]) =>
          (this.apps.get(follower) as Follower).processRecorder.maxTrackingId(leader),
        ),
      );
      const projected = await Promise.all(
        projections.map(async ({ definition, upstream, view }) => {
          const tracked = await view.maxTrackingId(upstream);
          const { topics } = definition.projection;
          const head = headOf(upstream);
          if (tracked >= head || !topics?.length) return tracked;
          // None of its topics left up to the head: as far as it needs to go.
          const left = await (this.apps.get(upstream) as Application).recorder.selectNotifications(
            tracked + 1,
            1,
            { stop: head, topics },
          );
          return left.length === 0 ? head : tracked;
        }),
      );
      const caughtUp =
        edges.every(([leader], i) => (done[i] ?? 0) >= headOf(leader)) &&
        projections.every(({ upstream }, i) => (projected[i] ?? 0) >= headOf(upstream));
      const seen = JSON.stringify([recorded, done, projected]);
      // Caught up twice with nothing new between: a step's output isn't still to come.
      if (caughtUp && seen === previous) return;
      previous = caughtUp ? seen : "";
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * Stops the workers (each after the notification, or page, it is processing), then closes the
   * applications.
   */
  async stop(): Promise<void> {
    const workers = [...this.#workers.values(), ...this.#projectionWorkers()];
    await Promise.all(workers.map((worker) => worker.stop()));
    this.#workers.clear();
    this.#projections.clear();
    await this.closeApplications();
  }
}

/** A module named by a URL or a file's path, as a URL. */
function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return /^file:/.test(module) ? module : pathToFileURL(resolve(module)).href;
}

/**
 * `env`, with subscriptions told of each commit on PostgreSQL, unless `env` or the process's
 * environment says whether they are.
 */
function notifyingSubscribers(env: EnvValues): EnvValues {
  if (env[NOTIFY_SUBSCRIBERS] !== undefined || process.env[NOTIFY_SUBSCRIBERS] !== undefined) {
    return env;
  }
  return { ...env, [NOTIFY_SUBSCRIBERS]: "true" };
}

function positive(value: number, option: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new SystemError(`Option '${option}' must be a positive number of milliseconds`);
  }
  return value;
}
