/**
 * A reader process: tails the notification log until the file `stopFile` exists and the log is
 * drained, checking that ids arrive strictly increasing with none skipped.
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Counters, sqliteEnv } from "./model.js";

const [dbName = "", stopFile = ""] = process.argv.slice(2);
class Reading extends Counters {
  // The same application (same tables) as the writers, with bigger log sections.
  static override applicationName = "Counters";
  static override logSectionSize = 100;
}
const app = new Reading({ env: sqliteEnv(dbName) });
let next = 1;
let count = 0;
let problem: string | null = null;
let stopping = false;
for (;;) {
  const page = await app.log.select(next, 100);
  for (const notification of page) {
    if (notification.id !== next && problem === null) {
      problem = `expected id ${next}, got ${notification.id}`;
    }
    next = notification.id + 1;
    count += 1;
  }
  if (page.length === 0) {
    if (stopping) break;
    stopping = existsSync(stopFile);
    if (!stopping) await sleep(5);
  }
}
await app.close();
console.log(JSON.stringify({ count, problem }));
