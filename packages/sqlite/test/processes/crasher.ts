/** Saves aggregates of 200 events each, in a loop, until it is killed. */
import { Counter, Counters, sqliteEnv } from "./model.js";

const [dbName = ""] = process.argv.slice(2);
const app = new Counters({ env: sqliteEnv(dbName) });
await app.ready;
let saved = 0;
for (;;) {
  const counter = Counter.create(`c${saved}`);
  for (let i = 0; i < 199; i++) counter.increment(1);
  await app.save(counter);
  saved += 1;
  if (saved === 1) console.log("saving");
}
