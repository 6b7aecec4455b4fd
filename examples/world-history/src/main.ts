/**
 * Demo: a Worlds application on the embedded default store (in memory; set
 * INFRASTRUCTURE_FACTORY to use another). Run with `pnpm demo`.
 */
import { Snapshot } from "@es/domain";
import type { World } from "./world.js";
import { Worlds } from "./worlds.js";

const app = new Worlds();
const store = process.env.INFRASTRUCTURE_FACTORY || "the in-memory store (the default)";
console.log(`Worlds on ${store}\n`);
const worldId = await app.createWorld("Earth");
for (const what of ["dinosaurs", "trucks", "internet"]) await app.makeItSo(worldId, what);

console.log(`History of ${worldId}: ${(await app.getHistory(worldId)).join(", ")}`);

const section = await app.log.section("1,10");
console.log(`\nNotification log section ${section.id} (next: ${section.nextId}):`);
for (const notification of section.items) {
  const event = app.mapper.toDomainEvent(notification);
  console.log(
    `  #${notification.id} ${notification.topic} v${notification.originatorVersion} ${JSON.stringify({ ...event, originatorId: undefined, originatorVersion: undefined })}`,
  );
}

for (const version of [1, 2, 5]) {
  const world = await app.repository.get<World>(worldId, { version });
  console.log(`\nAt version ${version} (got ${world.version}): ${world}`);
}

const latest = await app.repository.get<World>(worldId);
console.log(`\nSnapshot state: ${JSON.stringify(Snapshot.take(latest).state)}`);
await app.close();
