/**
 * A runner makes a system's applications and connects them: each follower follows its
 * leaders' notification logs, and each leader prompts the runner (or the follower's loop)
 * after each save. Runners differ in how and when followers process what they are prompted.
 */
import { type Application, type ApplicationClass, applicationNameOf } from "@es/application";
import { messageOf } from "@es/domain";
import type { EnvValues } from "@es/persistence-core";
import {
  type EventProcessingError,
  type ProjectionError,
  RunnerAlreadyStarted,
  SystemError,
} from "./errors.js";
import type { System } from "./system.js";

/** What every runner is given. */
export interface RunnerOptions {
  /** Environment variables for every application (each may also be prefixed with its name). */
  readonly env?: EnvValues;
}

/**
 * Makes a system's applications and connects them; runners differ in when and where
 * followers process what their leaders saved: `SingleThreadedRunner` (in the save's call),
 * `ConcurrentRunner` (a loop each), `MultiProcessRunner` (a worker process each).
 */
export abstract class Runner {
  /** The system run. */
  readonly system: System;
  /** Environment variables for every application (each may also be prefixed with its name). */
  readonly env: EnvValues;
  #started = false;

  constructor(system: System, { env = {} }: RunnerOptions = {}) {
    this.system = system;
    this.env = env;
  }

  /** Whether `start()` was called (and `stop()` not since). */
  get isStarted(): boolean {
    return this.#started;
  }

  /** Makes the applications, connects them, and catches up on what they haven't processed. */
  async start(): Promise<void> {
    if (this.#started) throw new RunnerAlreadyStarted();
    this.#started = true;
    try {
      await this.startApplications();
    } catch (error) {
      // Whatever was made is closed again: a runner that failed to start holds nothing open.
      await this.stop().catch(() => {});
      throw error;
    }
  }

  protected abstract startApplications(): Promise<void>;

  /** Stops processing and closes the applications. */
  abstract stop(): Promise<void>;

  /** The running applications, by name (none once stopped). */
  protected readonly apps = new Map<string, Application>();
  /** Processing failures, each of which stopped its follower (or projection). */
  protected readonly failures: (EventProcessingError | ProjectionError)[] = [];

  /**
   * The processing failures so far, each of which stopped its follower, or its projection (a
   * `MultiProcessRunner`'s). A single-threaded runner has none: a failure reaches the caller
   * whose save prompted it.
   */
  get errors(): readonly (EventProcessingError | ProjectionError)[] {
    return this.failures;
  }

  /** Closes the applications, then rejects with the first processing failure, if any. */
  protected async closeApplications(): Promise<void> {
    const apps = [...this.apps.values()];
    this.apps.clear();
    await Promise.all(apps.map((app) => app.close()));
    const [first] = this.failures;
    if (first) throw first;
  }

  /** The running application of class `cls`. */
  get<A extends Application>(cls: ApplicationClass<A>): A {
    if (!this.#started) this.notStarted();
    const app = this.apps.get(this.nameOf(cls));
    if (!app) {
      throw new SystemError("The runner is stopped: start a new runner to use its applications");
    }
    return app as A;
  }

  /** Makes the application named `name` (a leading subclass, for a plain application that leads). */
  protected make(name: string): Promise<Application> {
    return makeApplication(this.system, name, this.env);
  }

  protected notStarted(): never {
    throw new SystemError("The runner isn't started: call start() first");
  }

  /** The name `cls` has in the system, or an error saying it isn't in it. */
  protected nameOf(cls: ApplicationClass): string {
    const name = applicationNameOf(cls);
    this.system.classOf(name);
    return name;
  }
}

/**
 * Makes the application named `name` of `system` and waits until it is ready (a leading
 * subclass, for a plain application that leads); an application that fails is closed again.
 */
export function makeApplication(
  system: System,
  name: string,
  env: EnvValues,
): Promise<Application> {
  return readyApplication(system.leaderClassOf(name), env);
}

/**
 * Makes an application of class `Cls` and waits until it is ready; one that fails is closed
 * again.
 *
 * @throws {@link SystemError} naming the application, caused by what failed.
 */
export async function readyApplication(
  Cls: ApplicationClass,
  env: EnvValues,
): Promise<Application> {
  try {
    const app = new Cls({ env });
    await app.ready.catch(async (error: unknown) => {
      await app.close();
      throw error;
    });
    return app;
  } catch (error) {
    throw new SystemError(
      `Application '${applicationNameOf(Cls)}' failed to start: ${messageOf(error)}`,
      { cause: error },
    );
  }
}
