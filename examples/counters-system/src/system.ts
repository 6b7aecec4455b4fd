/**
 * The system: Counters follows Worlds. A MultiProcessRunner's workers load this module to
 * have the same classes as the process that runs them.
 */
import { System } from "@es/system";
import { Counters } from "./counters.js";
import { Worlds } from "./worlds.js";

export { Counters, Worlds };
export const system = new System([[Worlds, Counters]]);
