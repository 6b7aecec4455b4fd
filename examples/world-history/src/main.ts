/**
 * Demo: a World's history, told by its events and rebuilt from them.
 * Run with `pnpm demo`.
 */
import { attributesOf, type MutableAggregate, Snapshot } from "@es/domain";
import { World } from "./world.js";

const world = World.create("Earth");
for (const what of ["dinosaurs", "trucks", "internet"]) world.makeItSo(what);

console.log(`Created ${world}`);
const events = world.collectEvents();
console.log(`\n${events.length} events were triggered:`);
for (const e of events) {
  console.log(`  v${e.originatorVersion} ${e.constructor.name} ${JSON.stringify(attributesOf(e))}`);
}

let copy: MutableAggregate | null | undefined = null;
for (const e of events) copy = e.mutate(copy);
const rebuilt = copy as World;
console.log(`\nRebuilt from its events: ${rebuilt}`);
console.log(`Equal to the original: ${rebuilt.equals(world)}`);

const snapshot = Snapshot.take(world);
console.log(`\nSnapshot at v${snapshot.originatorVersion}: ${JSON.stringify(snapshot.state)}`);
console.log(`Restored from the snapshot: ${snapshot.mutate<World>()}`);
