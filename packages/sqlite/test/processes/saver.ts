/**
 * A writer process: `saves` saves, alternating between new counters and the shared ones
 * (read, increment, save; a conflict with another writer is an IntegrityError, counted and
 * retried). Prints a JSON summary of what it recorded.
 */
import { IntegrityError } from "@es/persistence-core";
import { Counter, Counters, sqliteEnv } from "./model.js";

const [dbName = "", savesArg = "0", sharedArg = ""] = process.argv.slice(2);
const shared = sharedArg.split(",").filter(Boolean);
const app = new Counters({ env: sqliteEnv(dbName) });
let events = 0;
let conflicts = 0;
let increments = 0;
for (let i = 0; i < Number(savesArg); i++) {
  if (i % 2 === 0 || shared.length === 0) {
    const counter = Counter.create(`p${process.pid}-${i}`);
    counter.increment(1);
    await app.save(counter);
    events += 2;
  } else {
    const id = shared[i % shared.length] as string;
    for (;;) {
      const counter = await app.repository.get<Counter>(id);
      counter.increment(1);
      try {
        await app.save(counter);
        events += 1;
        increments += 1;
        break;
      } catch (error) {
        if (!(error instanceof IntegrityError)) throw error;
        conflicts += 1;
      }
    }
  }
}
await app.close();
console.log(JSON.stringify({ events, conflicts, increments }));
