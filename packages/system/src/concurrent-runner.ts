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
import type { Application } from "@es/application";
import type { Follower } from "./follower.js";
import { FollowerLoop } from "./follower-loop.js";
import type { Leading } from "./leading.js";
import { Runner } from "./runner.js";

/**
 * Runs each follower in a loop of its own: saves return at once, and followers catch up
 * concurrently. `idle()` waits until they have.
 *
 * @example
 * ```ts
 * const runner = new ConcurrentRunner(new System([[Worlds, Counters]]));
 * await runner.start();
 * await runner.get(Worlds).createWorld();
 * await runner.idle(); // Counters has processed it
 * await runner.stop(); // rejects with an EventProcessingError if a follower failed
 * ```
 */
export class ConcurrentRunner extends Runner {
  readonly #loops = new Map<string, FollowerLoop>();

  protected async startApplications(): Promise<void> {
    for (const name of this.system.nodes.keys()) this.apps.set(name, await this.make(name));
    for (const name of this.system.followers) {
      const loop = new FollowerLoop(this.apps.get(name) as Follower, (error) =>
        this.failures.push(error),
      );
      this.#loops.set(name, loop);
    }
    for (const [leaderName, followerName] of this.system.edges) {
      const leader = this.apps.get(leaderName) as Application & Leading;
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
      quiet = idle || this.failures.length > 0 ? quiet + 1 : 0;
      if (!idle) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Stops every loop (after the notification each is processing), then closes the applications. */
  async stop(): Promise<void> {
    await Promise.all([...this.#loops.values()].map((loop) => loop.stop()));
    this.#loops.clear();
    await this.closeApplications();
  }
}
