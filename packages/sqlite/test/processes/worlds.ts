/** Seed 1.5.7: `write` creates a world with a history and prints its id; `read <id>` prints its history. */
import { sqliteEnv, World, Worlds } from "./model.js";

const [command = "", dbName = "", id = ""] = process.argv.slice(2);
const app = new Worlds({ env: sqliteEnv(dbName) });
if (command === "write") {
  const world = World.create();
  for (const what of ["dinosaurs", "trucks", "internet"]) world.makeItSo(what);
  await app.save(world);
  console.log(world.id);
} else {
  const world = await app.repository.get<World>(id);
  console.log(JSON.stringify(world.history));
}
await app.close();
