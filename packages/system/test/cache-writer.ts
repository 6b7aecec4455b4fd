/**
 * A writer in a process of its own, for the aggregate cache's tests: it makes `count` things
 * happen in one world, each a get, a command and a save, getting the world again whenever
 * another writer saved it first. Its environment (a store, a cache) is the first argument.
 */
import { IntegrityError } from "@es/persistence-core";
import { sleep } from "./processes.js";
import { type World, Worlds } from "./worlds.js";

const [envJson = "{}", worldId = "", countText = "0", prefix = "child"] = process.argv.slice(2);
const app = new Worlds({ env: JSON.parse(envJson) as Record<string, string> });
await app.ready;
// The test starts its own writer when this one is about to start.
process.stdout.write("ready\n");
let conflicts = 0;
for (let i = 0; i < Number(countText); i++) {
  await sleep(2);
  for (;;) {
    const world = await app.repository.get<World>(worldId);
    world.makeItSo({ what: `${prefix}-${i}` });
    try {
      await app.save(world);
      break;
    } catch (error) {
      if (!(error instanceof IntegrityError)) throw error;
      conflicts++;
    }
  }
}
await app.close();
process.stdout.write(`${JSON.stringify({ conflicts })}\n`);
