/**
 * A `Leader` prompts its followers after each save that recorded new events; a
 * `ProcessApplication` follows some applications and leads others.
 */
import { Application, type ApplicationClass } from "@es/application";
import type { DomainEvent } from "@es/domain";
import { Follower } from "./follower.js";
import { Followers, type Promptable } from "./promptable.js";

/** What a leader has: followers to prompt. */
export interface Leading {
  readonly name: string;
  lead(follower: Promptable): void;
  promptFollowers(): Promise<void>;
}

export class Leader extends Application implements Leading {
  readonly #followers = new Followers();

  /** Adds a follower (a runner, or a follower's loop) to prompt after each save. */
  lead(follower: Promptable): void {
    this.#followers.add(follower);
  }

  /** Prompts every follower with this application's name. */
  promptFollowers(): Promise<void> {
    return this.#followers.prompt(this.name);
  }

  protected override async notify(newEvents: readonly DomainEvent[]): Promise<void> {
    await super.notify(newEvents);
    if (newEvents.length > 0) await this.promptFollowers();
  }
}

/** Follows some applications and leads others: both a `Follower` and a `Leader`. */
export abstract class ProcessApplication extends Follower implements Leading {
  readonly #followers = new Followers();

  lead(follower: Promptable): void {
    this.#followers.add(follower);
  }

  promptFollowers(): Promise<void> {
    return this.#followers.prompt(this.name);
  }

  protected override async notify(newEvents: readonly DomainEvent[]): Promise<void> {
    await super.notify(newEvents);
    if (newEvents.length > 0) await this.promptFollowers();
  }
}

/** Whether instances of `cls` lead (prompt followers). */
export const isLeaderClass = (cls: ApplicationClass): boolean =>
  typeof (cls.prototype as Partial<Leading>).lead === "function";

/** Whether instances of `cls` follow (pull and process). */
export const isFollowerClass = (cls: ApplicationClass): boolean =>
  cls.prototype instanceof Follower;
