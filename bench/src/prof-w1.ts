import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { Account, Accounts } from "./model.js";

const hashing = process.env.HASH === "y";
const store = process.env.STORE ?? "memory";
const session = new Session();
session.connect();
const profile = process.env.PROF === "y";
for (let r = 0; r < Number(process.env.R ?? 5); r++) {
  if (profile && r === 1) {
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  const env: Record<string, string> = { IS_EVENT_HASHING_ENABLED: hashing ? "y" : "n" };
  if (store === "sqlite")
    Object.assign(env, {
      INFRASTRUCTURE_FACTORY: "@es/sqlite",
      SQLITE_DBNAME: `/tmp/prof/w1-${r}-${Date.now()}.db`,
      SQLITE_SYNCHRONOUS: "NORMAL",
    });
  const app = new Accounts({ env });
  await app.ready;
  const ids: string[] = [];
  const n = 2000;
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const a = Account.create(`o${i}`);
    await app.save(a);
    for (let c = 0; c < 9; c++) {
      a.deposit(10);
      await app.save(a);
    }
    ids.push(a.id);
  }
  const ms = performance.now() - t;
  console.log(store, hashing ? "on" : "off", "W1", ((ms * 1000) / n / 10).toFixed(2), "us/save");
  await app.close();
}
if (profile) {
  const { profile: p } = await session.post("Profiler.stop");
  writeFileSync(`/tmp/prof/w1-${store}-${hashing ? "on" : "off"}.cpuprofile`, JSON.stringify(p));
}
