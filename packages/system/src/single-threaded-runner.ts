/**
 * Runs a system in the caller's own flow: a save that prompts followers returns only when
 * every follower downstream has processed what it was prompted for. Deterministic, so the
 * runner for tests and for single-process applications that want read-your-writes across
 * applications. Prompts made while processing (by process applications' own saves) are
 * queued, each name once, and processed before the first prompt returns.
 */
import type { Application } from "@es/application";
import { processingFailed } from "./errors.js";
import type { Follower } from "./follower.js";
import type { Leading } from "./leading.js";
import type { Promptable } from "./promptable.js";
import { Runner } from "./runner.js";

/**
 * Runs a system in the caller's flow: a save returns once every follower downstream has
 * processed it. Deterministic: the runner for tests.
 *
 * @example
 * ```ts
 * const runner = new SingleThreadedRunner(new System([[Worlds, Counters]]));
 * await runner.start();
 * await runner.get(Worlds).createWorld(); // Counters has processed it when this returns
 * await runner.stop();
 * ```
 */
export class SingleThreadedRunner extends Runner implements Promptable {
  readonly #prompted: string[] = [];
  #processing = false;

  protected async startApplications(): Promise<void> {
    for (const name of this.system.nodes.keys()) this.apps.set(name, await this.make(name));
    for (const [leaderName, followerName] of this.system.edges) {
      const leader = this.apps.get(leaderName) as Application & Leading;
      const follower = this.apps.get(followerName) as Follower;
      follower.follow(leaderName, leader.log);
      leader.lead(this);
    }
    // Catch up on what was recorded while the system wasn't running.
    for (const leaderName of this.system.leaders) await this.receivePrompt(leaderName);
  }

  /** Queues the name (once) and, unless already processing, processes the queue. */
  async receivePrompt(leaderName: string): Promise<void> {
    if (!this.#prompted.includes(leaderName)) this.#prompted.push(leaderName);
    if (this.#processing) return;
    this.#processing = true;
    try {
      for (let name = this.#prompted.shift(); name !== undefined; name = this.#prompted.shift()) {
        for (const followerName of this.system.followersOf(name)) {
          // The save that prompted this was recorded: the caller learns it was not processed.
          await (this.apps.get(followerName) as Follower)
            .pullAndProcess(name)
            .catch((error: unknown) => {
              throw processingFailed(followerName, error);
            });
        }
      }
    } finally {
      this.#processing = false;
      this.#prompted.length = 0;
    }
  }

  async stop(): Promise<void> {
    await this.closeApplications();
  }
}
