/** A system whose follower fails to process: a MultiProcessRunner must not restart it. */
import { Follower, System } from "../src/index.js";
import { Worlds } from "./worlds.js";

export class Failing extends Follower {
  static override applicationName = "Failing";

  policy(): void {
    throw new Error("no, thanks");
  }
}

export const system = new System([[Worlds, Failing]]);
