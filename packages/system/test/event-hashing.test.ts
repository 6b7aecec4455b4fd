/**
 * A system whose applications hash their events: a process application's pages of new events
 * (several increments of one counter in a page, counters loaded and saved page after page)
 * chain just as an application's saves do, on every store, and verify clean.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConcurrentRunner, type Runner, System } from "../src/index.js";
import { stores } from "./stores.js";
import { Counter, Counters, Worlds } from "./worlds.js";

const running: Runner[] = [];
afterEach(async () => {
  for (const runner of running.splice(0)) await runner.stop();
});

describe.each(stores)("a system hashing its events on the %s store", (_store, env) => {
  it("chains the events a process application records page by page, and verifies clean", async () => {
    const runner = new ConcurrentRunner(new System([[Worlds, Counters]]), {
      env: { ...env(), IS_EVENT_HASHING_ENABLED: "y" },
    });
    running.push(runner);
    await runner.start();
    const worlds = runner.get(Worlds);
    const counters = runner.get(Counters);
    const ids = [await worlds.createWorld(), await worlds.createWorld()];
    const whats = ["dinosaurs", "trucks", "internet"];
    for (let i = 0; i < 30; i++) {
      await worlds.makeItSo(ids[i % 2] as string, whats[i % 3] as string);
    }
    await runner.idle();
    expect(await counters.getCount("trucks")).toBe(10);

    for (const app of [worlds, counters]) {
      const report = await app.verifyStore();
      expect(report.violations).toEqual([]);
      expect(report.checked).toBe(await app.recorder.maxNotificationId());
    }
    const counter = Counter.createId({ name: "internet" });
    expect(await counters.verifyAggregate(counter)).toBeUndefined();
    const records = await counters.recorder.selectEvents(counter);
    expect(records).toHaveLength(11);
    expect(records.every((record) => record.hash?.byteLength === 32)).toBe(true);
  });
});
