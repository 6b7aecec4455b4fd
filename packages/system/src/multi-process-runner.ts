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
 * A worker that dies (killed, out of memory) is started again, and resumes after the last
 * notification it recorded: each notification is still processed exactly once. A worker whose
 * application fails to start or to process is not (it would fail again): the failure is in
 * `errors`, and `stop()` rejects with the first. Each worker's process is kept so by a
 * `WorkerSupervisor`.
 */
import { extname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Application, ApplicationClass } from "@es/application";
import { SystemDefinitionError, SystemError } from "./errors.js";
import type { Follower } from "./follower.js";
import type { Leading } from "./leading.js";
import { Runner, type RunnerOptions } from "./runner.js";
import type { System } from "./system.js";
import { crossProcessPrompts, definitionOf, type StartMessage } from "./worker-protocol.js";
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
}

/** The worker script beside this file: `.ts` in the sources, `.js` when built. */
const WORKER = fileURLToPath(
  new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

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
  readonly #workers = new Map<string, WorkerSupervisor>();
  #prompts: "channel" | "relay" = "relay";
  #restarts = 0;

  constructor(system: System, options: MultiProcessRunnerOptions) {
    super(system, options);
    const { module, exportName = "system", execArgv = process.execArgv } = options;
    this.module =
      module instanceof URL
        ? module.href
        : /^file:/.test(module)
          ? module
          : pathToFileURL(resolve(module)).href;
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
    const start: Omit<StartMessage, "name"> = {
      type: "start",
      module: this.module,
      exportName: this.exportName,
      env: Object.fromEntries(
        Object.entries(this.env).filter((entry): entry is [string, string] => entry[1] != null),
      ),
      definition: definitionOf(this.system),
      prompts: this.#prompts,
      pollIntervalMs: this.pollIntervalMs,
    };
    const started = this.followerNames.map((name) => {
      const worker = new WorkerSupervisor({
        script: WORKER,
        start: { ...start, name },
        execArgv: this.execArgv,
        startTimeoutMs: this.startTimeoutMs,
        onPrompt: (leaderName) => this.#relay(leaderName),
        onFailed: (error) => this.failures.push(error),
        onRestart: () => {
          this.#restarts += 1;
        },
      });
      this.#workers.set(name, worker);
      return worker.start();
    });
    const failed = (await Promise.allSettled(started)).filter(
      (result): result is PromiseRejectedResult => result.status === "rejected",
    );
    if (failed[0]) throw failed[0].reason;
  }

  /** Passes a prompt from `leaderName` to the workers of its followers. */
  #relay(leaderName: string): void {
    for (const follower of this.system.followersOf(leaderName)) {
      this.#workers.get(follower)?.send({ type: "prompt", leader: leaderName });
    }
  }

  /**
   * Resolves when every follower this runner runs has processed every notification of the
   * applications it follows, as the store says (and what that processing recorded in turn);
   * rejects with the first failure of a worker.
   */
  async idle(): Promise<void> {
    const edges = this.system.edges.filter(([, follower]) => this.followerNames.includes(follower));
    // Each leader's last notification is read once a round, however many followers it has.
    const leaders = [...new Set(edges.map(([leader]) => leader))];
    let previous = "";
    for (;;) {
      const [first] = this.failures;
      if (first) throw first;
      const recorded = await Promise.all(
        leaders.map((leader) =>
          (this.apps.get(leader) as Application).recorder.maxNotificationId(),
        ),
      );
      const done = await Promise.all(
        edges.map(([leader, follower]) =>
          (this.apps.get(follower) as Follower).processRecorder.maxTrackingId(leader),
        ),
      );
      const caughtUp = edges.every(
        ([leader], i) => (done[i] ?? 0) >= (recorded[leaders.indexOf(leader)] ?? 0),
      );
      const seen = JSON.stringify([recorded, done]);
      // Caught up twice with nothing new between: a step's output isn't still to come.
      if (caughtUp && seen === previous) return;
      previous = caughtUp ? seen : "";
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Stops the workers (each after the notification it is processing), then closes the applications. */
  async stop(): Promise<void> {
    const workers = [...this.#workers.values()];
    await Promise.all(workers.map((worker) => worker.stop()));
    this.#workers.clear();
    await this.closeApplications();
  }
}

function positive(value: number, option: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new SystemError(`Option '${option}' must be a positive number of milliseconds`);
  }
  return value;
}
