/**
 * Runs a system with a loop of its own for each follower: a save returns at once, and each
 * follower processes what it was prompted for on its own, concurrently with the others (the
 * original's MultiThreadedRunner; JavaScript runs the loops concurrently, not in parallel).
 * Prompts coalesce: a follower prompted many times while busy pulls once more when it is free.
 *
 * A follower whose processing fails stops, and the runner reports it: `errors` lists the
 * failures, and `stop()` rejects with the first as an `EventProcessingError`, after stopping
 * everything else. Processing resumes after the last notification recorded when the system
 * starts again.
 */
import type { Application, ApplicationOptions } from "@es/application";
import { EventProcessingError } from "./errors.js";
import type { Follower } from "./follower.js";
import type { Leading } from "./leader.js";
import type { Promptable } from "./promptable.js";
import { Runner } from "./runner.js";

/** One follower's loop: waits for prompts, then pulls and processes each application prompted. */
class FollowerLoop implements Promptable {
  readonly app: Follower;
  readonly #prompted = new Set<string>();
  readonly #onError: (error: EventProcessingError) => void;
  #wake: (() => void) | undefined;
  #stopping = false;
  #busy = false;
  #done: Promise<void> = Promise.resolve();

  constructor(app: Follower, onError: (error: EventProcessingError) => void) {
    this.app = app;
    this.#onError = onError;
  }

  /** Notes the name (once) and wakes the loop; returns at once. */
  async receivePrompt(leaderName: string): Promise<void> {
    if (this.#stopping) return;
    this.#prompted.add(leaderName);
    this.#wake?.();
  }

  /** Whether the loop has nothing to do. */
  get isIdle(): boolean {
    return !this.#busy && this.#prompted.size === 0;
  }

  start(): void {
    this.#done = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      if (this.#prompted.size === 0) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      const names = [...this.#prompted];
      this.#prompted.clear();
      this.#busy = true;
      try {
        for (const name of names) {
          if (this.#stopping) break;
          await this.app.pullAndProcess(name);
        }
      } catch (error) {
        this.#stopping = true;
        this.#prompted.clear();
        this.#onError(
          new EventProcessingError(
            `${this.app.name} failed to process notifications: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          ),
        );
      } finally {
        this.#busy = false;
      }
    }
  }

  /** Stops after the notification being processed, if any. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#done;
  }
}

export class ConcurrentRunner extends Runner {
  readonly #apps = new Map<string, Application>();
  readonly #loops = new Map<string, FollowerLoop>();
  readonly #errors: EventProcessingError[] = [];

  /** The processing failures so far (each stopped its follower). */
  get errors(): readonly EventProcessingError[] {
    return this.#errors;
  }

  protected async startApplications(): Promise<void> {
    for (const name of this.system.nodes.keys()) this.#apps.set(name, await this.make(name));
    for (const name of this.system.followers) {
      const loop = new FollowerLoop(this.#apps.get(name) as Follower, (error) =>
        this.#errors.push(error),
      );
      this.#loops.set(name, loop);
    }
    for (const [leaderName, followerName] of this.system.edges) {
      const leader = this.#apps.get(leaderName) as Application & Leading;
      const loop = this.#loops.get(followerName) as FollowerLoop;
      loop.app.follow(leaderName, leader.log);
      leader.lead(loop);
    }
    for (const [name, loop] of this.#loops) {
      loop.start();
      // Catch up on what was recorded while the system wasn't running.
      for (const leaderName of this.system.leadersOf(name)) await loop.receivePrompt(leaderName);
    }
  }

  /**
   * Resolves when every follower has processed everything it was prompted for (and what
   * that processing prompted in turn), or one has failed.
   */
  async idle(): Promise<void> {
    for (let quiet = 0; quiet < 2; ) {
      await new Promise((resolve) => setImmediate(resolve));
      const idle = [...this.#loops.values()].every((loop) => loop.isIdle);
      quiet = idle || this.#errors.length > 0 ? quiet + 1 : 0;
      if (!idle) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  get<A extends Application>(cls: abstract new (options?: ApplicationOptions) => A): A {
    if (!this.isStarted) this.notStarted();
    return this.#apps.get(this.nameOf(cls)) as A;
  }

  /** Stops every loop (after the notification each is processing), then closes the applications. */
  async stop(): Promise<void> {
    await Promise.all([...this.#loops.values()].map((loop) => loop.stop()));
    this.#loops.clear();
    const apps = [...this.#apps.values()];
    this.#apps.clear();
    await Promise.all(apps.map((app) => app.close()));
    const [first] = this.#errors;
    if (first) throw first;
  }
}
