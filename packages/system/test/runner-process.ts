/**
 * A process that runs the Worlds and Counters system on a MultiProcessRunner, with the counting
 * projection beside it, and prints its workers' process ids once they are ready: for a test that
 * kills this process, as an out-of-memory killer or a crash would, and watches its workers.
 */

import { multiProcessRunner, systemModule } from "./processes.js";
import { Counters } from "./worlds.js";
import { system } from "./worlds-system.js";

const env = JSON.parse(process.argv[2] ?? "{}") as Record<string, string>;
const runner = multiProcessRunner(system, env, {
  projections: [{ module: systemModule("projection-system"), exportName: "counting" }],
});
await runner.start();
console.log(JSON.stringify([runner.pidOf(Counters), runner.projectionPid("counting")]));
// Runs until it is killed.
setInterval(() => {}, 60_000);
