/**
 * Runs the Worlds and Counters system with Counters in a worker process of its own. Worlds
 * records what happens; Counters, in its own process, counts each thing. Half-way, the
 * worker is killed: the runner starts it again, and it goes on from where it had got to, so
 * every event is still counted exactly once.
 *
 * The store is a SQLite file of its own, or the one the environment names (e.g.
 * INFRASTRUCTURE_FACTORY=@es/postgres with the POSTGRES_* variables).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MultiProcessRunner } from "@es/system";
import { Counters, system, Worlds } from "./system.js";

const configured = process.env.INFRASTRUCTURE_FACTORY;
const dir = configured ? undefined : mkdtempSync(join(tmpdir(), "es-counters-"));
const env = dir ? { INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: join(dir, "db") } : {};

const runner = new MultiProcessRunner(system, {
  env,
  // The workers load the system from this module, so that they have the same classes.
  module: new URL("./system.ts", import.meta.url),
});
const THINGS = ["dinosaurs", "trucks", "internet"];
/** What happens in each of the three worlds, round by round. */
const ROUNDS = [
  ["dinosaurs", "dinosaurs", "dinosaurs"],
  ["trucks", "dinosaurs", "trucks"],
  ["internet", "trucks", "dinosaurs"],
  ["internet", "internet", "trucks"],
];

try {
  await runner.start();
  const worlds = runner.get(Worlds);
  const counters = runner.get(Counters);
  console.log(`Worlds and Counters on ${configured ?? "a SQLite file"}`);
  console.log(`Counters runs in process ${runner.pidOf(Counters)} (this is ${process.pid})`);

  const ids = [await worlds.createWorld(), await worlds.createWorld(), await worlds.createWorld()];
  const show = async (when: string) => {
    await runner.idle();
    const counts = await Promise.all(THINGS.map((what) => counters.getCount(what)));
    console.log(`${when}: ${THINGS.map((what, i) => `${what} ${counts[i]}`).join(", ")}`);
  };

  for (const [index, happenings] of ROUNDS.entries()) {
    if (index === 2) {
      const pid = runner.pidOf(Counters) as number;
      process.kill(pid, "SIGKILL");
      console.log(`Killed Counters' process ${pid}; saving on`);
    }
    for (const [i, id] of ids.entries()) await worlds.makeItSo(id, happenings[i] as string);
    await show(`After round ${index + 1}`);
  }
  console.log(
    `Counters runs in process ${runner.pidOf(Counters)} now, started again ${runner.restarts} time(s)`,
  );
} finally {
  await runner.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
