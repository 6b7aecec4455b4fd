/**
 * Three steps: Counters follows Worlds and is followed by Recounters, so a process application
 * in one worker prompts a follower in another.
 */
import { System } from "../src/index.js";
import { Counters, Worlds } from "./worlds.js";

export class Recounters extends Counters {
  static override applicationName = "Recounters";
}

export const system = new System([[Worlds, Counters, Recounters]]);
