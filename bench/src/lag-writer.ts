/**
 * The writer process of the live-lag measurement across processes (subscription-lag.ts): an
 * Accounts application on the environment it is given (LAG_ENV, JSON), which saves a new
 * account each time it is told to, and closes when told to stop.
 */
import { Account, Accounts } from "./model.js";

const app = new Accounts({
  env: JSON.parse(process.env.LAG_ENV ?? "{}") as Record<string, string>,
});
await app.ready;
process.on("message", async (message: string) => {
  if (message === "save") {
    await app.save(Account.create("lag"));
  } else if (message === "stop") {
    await app.close();
    process.disconnect();
  }
});
process.send?.("ready");
