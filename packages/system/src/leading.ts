/**
 * Leading, written once: an application that leads keeps followers to prompt, and prompts them
 * after each save that recorded new events. `Leader`, `ProcessApplication` and the subclass a
 * runner makes of a plain application that leads all get it from `leading()`.
 */
import type { Application, ApplicationClass } from "@es/application";
import type { DomainEvent } from "@es/domain";
import { Followers, type Promptable } from "./promptable.js";

/** What a leader has: followers to prompt. */
export interface Leading {
  /** The leader's application name: what it prompts its followers with. */
  readonly name: string;
  /** Adds a follower (a runner, or a follower's loop) to prompt after each save. */
  lead(follower: Promptable): void;
  /** Prompts every follower with this application's name. */
  promptFollowers(): Promise<void>;
}

/**
 * A class whose instances are `T`, as TypeScript requires of a mixin's base: it takes a class
 * as one only if its constructor's parameters are typed `any[]`.
 */
// biome-ignore lint/suspicious/noExplicitAny: TypeScript's rule for mixin bases, above.
type Mixin<T> = abstract new (...args: any[]) => T;

/** A subclass of `Base` whose instances lead: they prompt their followers after each save. */
export function leading<Base extends Mixin<Application>>(Base: Base): Base & Mixin<Leading> {
  abstract class LeadingApplication extends Base implements Leading {
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
  return LeadingApplication;
}

/** Whether instances of `cls` lead (prompt followers). */
export const isLeaderClass = (cls: ApplicationClass): boolean =>
  typeof (cls.prototype as Partial<Leading>).lead === "function";
