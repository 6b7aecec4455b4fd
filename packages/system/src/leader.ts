/**
 * A `Leader` prompts its followers after each save that recorded new events; a
 * `ProcessApplication` follows some applications and leads others. Both lead by `leading()`.
 */
import { Application } from "@es/application";
import { Follower } from "./follower.js";
import { leading } from "./leading.js";

/** An application that prompts its followers after each save that recorded new events. */
export class Leader extends leading(Application) {}

/** Follows some applications and leads others: both a `Follower` and a `Leader`. */
export abstract class ProcessApplication extends leading(Follower) {}
