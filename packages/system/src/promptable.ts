/** Something that can be told that an application has new notifications (a runner, a follower's loop). */
export interface Promptable {
  /** Receives the name of an application that has new notifications to pull. */
  receivePrompt(leaderName: string): Promise<void>;
}

/** The followers a leader prompts, each once per prompt, in the order they were added. */
export class Followers {
  readonly #followers: Promptable[] = [];

  add(follower: Promptable): void {
    if (!this.#followers.includes(follower)) this.#followers.push(follower);
  }

  get size(): number {
    return this.#followers.length;
  }

  async prompt(leaderName: string): Promise<void> {
    for (const follower of this.#followers) await follower.receivePrompt(leaderName);
  }
}
