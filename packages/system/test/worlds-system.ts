/** The Worlds and Counters system as a module: what a MultiProcessRunner's workers load. */
import { System } from "../src/index.js";
import { Counters, Worlds } from "./worlds.js";

export const system = new System([[Worlds, Counters]]);
