/**
 * The supervisor of one worker process: it forks the worker script, tells it what to start,
 * waits until it is ready, starts it again when it dies, reports the failures starting again
 * wouldn't mend, and stops it (asks, then kills). It speaks the worker protocol and knows
 * nothing of systems: it is given the start message and callbacks.
 */
import { type ChildProcess, fork } from "node:child_process";
import { messageOf } from "@es/domain";
import { EventProcessingError, ProjectionError, SystemError } from "./errors.js";
import { FromWorker, type ToWorker, type WorkerStartMessage } from "./worker-protocol.js";

/** What a supervisor is doing. */
export type WorkerState = "stopped" | "starting" | "ready" | "restarting" | "failed" | "stopping";

/**
 * Every change of state a supervisor may make, and what makes it:
 * - stopped → starting: `start()`.
 * - starting → ready: the worker says it is ready.
 * - starting → restarting: a worker started again ended before it was ready.
 * - starting → failed: the worker wasn't ready in time, or reported a failure, or (the one
 *   `start()` started) ended.
 * - ready → restarting: the worker ended. ready → failed: it reported a failure.
 * - restarting → starting: the delay passed. restarting → failed: the failure report of the
 *   worker that ended came after its end.
 * - starting, ready, restarting, failed → stopping: `stop()`.
 * - stopping → stopped: the worker ended, asked or killed (or none ran).
 *
 * A state's timer (the start timeout, the restart delay, the kill after the stop timeout) ends
 * with the state.
 */
const TRANSITIONS: { readonly [From in WorkerState]: readonly WorkerState[] } = {
  stopped: ["starting"],
  starting: ["ready", "restarting", "failed", "stopping"],
  ready: ["restarting", "failed", "stopping"],
  restarting: ["starting", "failed", "stopping"],
  failed: ["stopping"],
  stopping: ["stopped"],
};

export interface WorkerSupervisorOptions {
  /** The worker script to fork. */
  readonly script: string;
  /**
   * What the worker is told to start with: a follower's or a projection's; its `name` names
   * the worker in errors.
   */
  readonly start: WorkerStartMessage;
  /** Node's options for the worker process. */
  readonly execArgv: readonly string[];
  /** How long the worker may take to be ready, in milliseconds. */
  readonly startTimeoutMs: number;
  /** How long a worker asked to stop may take to end before it is killed (default 10000 ms). */
  readonly stopTimeoutMs?: number;
  /** The delay before a restart; doubled after each death before ready (default 50 ms). */
  readonly firstRestartDelayMs?: number;
  /** The longest delay before a restart (default 5000 ms). */
  readonly lastRestartDelayMs?: number;
  /** A prompt from the worker's application, to relay. */
  readonly onPrompt?: (leaderName: string) => void;
  /**
   * A failure restarting wouldn't mend, after `start()` resolved (before, `start()` rejects):
   * a follower's `EventProcessingError`, or a projection's `ProjectionError`.
   */
  readonly onFailed?: (error: EventProcessingError | ProjectionError) => void;
  /** The worker died: it is started again after `delayMs`. */
  readonly onRestart?: (delayMs: number) => void;
  /** Each change of state, in order, told just after it is made. */
  readonly onStateChange?: (state: WorkerState, previous: WorkerState) => void;
}

/** Runs one worker process: started, kept running (restarted when it dies), and stopped. */
export class WorkerSupervisor {
  /** The worker's name, from its start message. */
  readonly name: string;
  readonly #options: WorkerSupervisorOptions;
  readonly #firstDelayMs: number;
  readonly #lastDelayMs: number;
  #state: WorkerState = "stopped";
  /** The running process, until it ends. */
  #child: ChildProcess | undefined;
  /** The last process started: its messages count even when they arrive after its end. */
  #latest: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  /** The caller's `start()`, while it waits for the first process to be ready. */
  #starting: { resolve(): void; reject(error: SystemError): void } | undefined;
  #stopped: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #delayMs: number;

  constructor(options: WorkerSupervisorOptions) {
    this.name = options.start.name;
    this.#options = options;
    this.#firstDelayMs = options.firstRestartDelayMs ?? 50;
    this.#lastDelayMs = options.lastRestartDelayMs ?? 5_000;
    this.#delayMs = this.#firstDelayMs;
  }

  /** What the supervisor is doing: see `TRANSITIONS`. */
  get state(): WorkerState {
    return this.#state;
  }

  /** The process id of the worker, while one runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * Starts the worker; resolves when it is ready.
   *
   * @throws {@link SystemError} (as a rejection) if it isn't ready in time, reports that it
   * failed, or ends first; or if the supervisor isn't stopped.
   */
  async start(): Promise<void> {
    this.#to("starting");
    this.#delayMs = this.#firstDelayMs;
    this.#stopped = undefined;
    await new Promise<void>((resolve, reject) => {
      this.#starting = { resolve, reject };
      this.#launch();
    });
  }

  /** Sends `message` to the worker, if one runs (a lost message is the protocol's to bear). */
  send(message: ToWorker): void {
    const child = this.#child;
    if (child?.connected) child.send(message, (error) => void error);
  }

  /** Asks the worker to stop, and kills it if it hasn't ended in time; cancels any restart. */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#to("stopping");
    this.#settleStart(this.#startError("it was stopped"));
    const child = this.#child;
    if (child) {
      this.send({ type: "stop" });
      const stopTimeoutMs = this.#options.stopTimeoutMs ?? 10_000;
      this.#timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
      await this.#exited;
    }
    this.#to("stopped");
  }

  /** The one place the state changes: it checks the change, and ends the state's timer. */
  #to(next: WorkerState): void {
    const previous = this.#state;
    if (!TRANSITIONS[previous].includes(next)) {
      throw new SystemError(`The worker of '${this.name}' can't go from ${previous} to ${next}`);
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#state = next;
    // Told after the change is made: a listener that stops the supervisor can't cut one short.
    const { onStateChange } = this.#options;
    if (onStateChange) queueMicrotask(() => onStateChange(next, previous));
  }

  /** Forks a process (the state is `starting`) and tells it what to start. */
  #launch(): void {
    let child: ChildProcess;
    try {
      child = fork(this.#options.script, [], {
        execArgv: [...this.#options.execArgv],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
        serialization: "json",
      });
    } catch (error) {
      this.#ended(`couldn't be started (${messageOf(error)})`);
      return;
    }
    this.#child = child;
    this.#latest = child;
    let exited = false;
    let resolveExited = () => {};
    this.#exited = new Promise((resolve) => {
      resolveExited = resolve;
    });
    const onExit = (how: string) => {
      if (exited) return;
      exited = true;
      if (this.#child === child) this.#child = undefined;
      resolveExited();
      if (this.#latest === child) this.#ended(how);
    };
    // Handled once this turn's input is: a message the process sent before it ended, a failure
    // report above all, is read in the same turn, and counts first.
    child.once("exit", (code, signal) =>
      setImmediate(() => onExit(`ended (${signal ?? `exit code ${code}`})`)),
    );
    // A process that couldn't be spawned may never emit 'exit'; other errors (a failed signal
    // or message) change nothing.
    child.on("error", (error) => {
      if (child.pid === undefined) onExit(`couldn't be started (${messageOf(error)})`);
    });
    child.on("message", (raw: unknown) => {
      if (this.#latest === child) this.#received(raw);
    });
    const { startTimeoutMs } = this.#options;
    this.#timer = setTimeout(() => {
      this.#failed(this.#startError(`its worker process wasn't ready after ${startTimeoutMs} ms`));
      child.kill("SIGKILL");
    }, startTimeoutMs);
    this.send(this.#options.start);
  }

  #received(raw: unknown): void {
    const parsed = FromWorker.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === "ready") {
      if (this.#state !== "starting") return;
      this.#to("ready");
      this.#settleStart();
    } else if (message.type === "failed") {
      const { projection } = message;
      this.#failed(
        message.starting
          ? this.#startError(message.message)
          : projection
            ? new ProjectionError(projection.name, projection.notificationId, message.message)
            : new EventProcessingError(
                message.message.startsWith(this.name)
                  ? message.message
                  : `${this.name}: ${message.message}`,
              ),
      );
    } else {
      this.#options.onPrompt?.(message.leader);
    }
  }

  /** The latest process ended (`how` says how) or couldn't be started. */
  #ended(how: string): void {
    if (this.#state === "starting") {
      if (this.#starting) this.#failed(this.#startError(`its worker process ${how}`));
      // A worker that died before it was ready may die again at once: it waits longer each time.
      else this.#restart(this.#delayMs);
    } else if (this.#state === "ready") {
      this.#restart(this.#firstDelayMs);
    }
  }

  #restart(delayMs: number): void {
    this.#to("restarting");
    this.#delayMs = Math.min(delayMs * 2, this.#lastDelayMs);
    this.#timer = setTimeout(() => {
      this.#to("starting");
      this.#launch();
    }, delayMs);
    // Last: stopping from here cancels the restart.
    this.#options.onRestart?.(delayMs);
  }

  /**
   * A failure restarting wouldn't mend: no more restarts. It rejects the caller's `start()`
   * while that waits, and is reported otherwise (even while stopping: it may be the reason).
   */
  #failed(error: SystemError): void {
    const state = this.#state;
    if (state === "failed" || state === "stopped") return;
    if (state !== "stopping") this.#to("failed");
    if (this.#starting) this.#settleStart(error);
    else {
      this.#options.onFailed?.(
        error instanceof EventProcessingError || error instanceof ProjectionError
          ? error
          : new EventProcessingError(messageOf(error), { cause: error }),
      );
    }
  }

  /** Resolves the caller's `start()`, or rejects it with `error`, if it waits. */
  #settleStart(error?: SystemError): void {
    const starting = this.#starting;
    this.#starting = undefined;
    if (error) starting?.reject(error);
    else starting?.resolve();
  }

  #startError(message: string): SystemError {
    const what = this.#options.start.type === "start" ? "Application" : "Projection";
    return new SystemError(`${what} '${this.name}' failed to start: ${message}`);
  }
}
