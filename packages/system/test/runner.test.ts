/**
 * The system of the original's documentation on the single-threaded runner, on every store:
 * counts are right as soon as each command returns.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  RunnerAlreadyStarted,
  SingleThreadedRunner,
  System,
  SystemDefinitionError,
  SystemError,
} from "../src/index.js";
import { stores } from "./stores.js";
import { Counters, Worlds } from "./worlds.js";

const runners: SingleThreadedRunner[] = [];
afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop();
});

function runner(env: Record<string, string>): SingleThreadedRunner {
  const made = new SingleThreadedRunner(new System([[Worlds, Counters]]), { env });
  runners.push(made);
  return made;
}

describe.each(stores)("the single-threaded runner (%s)", (_store, env) => {
  it("has every count right as soon as each command returns", async () => {
    const system = runner(env());
    await system.start();
    const worlds = system.get(Worlds);
    const counters = system.get(Counters);
    const [world1, world2, world3] = [
      await worlds.createWorld(),
      await worlds.createWorld(),
      await worlds.createWorld(),
    ];
    const counts = async () =>
      Promise.all(["dinosaurs", "trucks", "internet"].map((what) => counters.getCount(what)));
    expect(await counts()).toEqual([0, 0, 0]);

    for (const world of [world1, world2, world3]) await worlds.makeItSo(world, "dinosaurs");
    expect(await counts()).toEqual([3, 0, 0]);
    await worlds.makeItSo(world1, "trucks");
    await worlds.makeItSo(world2, "trucks");
    expect(await counts()).toEqual([3, 2, 0]);
    await worlds.makeItSo(world1, "internet");
    expect(await counts()).toEqual([3, 2, 1]);

    // Every notification of Worlds was tracked once: 3 created, 6 happened.
    expect(await counters.processRecorder.maxTrackingId("Worlds")).toBe(
      await worlds.recorder.maxNotificationId(),
    );
    expect((await counters.log.select(1, 10)).map((n) => n.topic)).toEqual([
      "Counter.Created",
      "Counter.Incremented",
      "Counter.Incremented",
      "Counter.Incremented",
      "Counter.Created",
      "Counter.Incremented",
      "Counter.Incremented",
      "Counter.Created",
      "Counter.Incremented",
    ]);
  });
});

describe("a runner", () => {
  it("refuses to start twice, and to give applications before it starts or not in its system", async () => {
    const system = runner({});
    expect(() => system.get(Worlds)).toThrow(SystemError);
    await system.start();
    await expect(system.start()).rejects.toBeInstanceOf(RunnerAlreadyStarted);
    class Strangers extends Worlds {
      static override applicationName = "Strangers";
    }
    expect(() => system.get(Strangers)).toThrow(SystemDefinitionError);
    expect(() => system.get(Strangers)).toThrow("No application named 'Strangers' in this system");
  });

  it("processes, when it starts, what was recorded while the system wasn't running", async () => {
    const env = stores[1]?.[1]() ?? {};
    const before = new Worlds({ env });
    const world = await before.createWorld();
    await before.makeItSo(world, "dinosaurs");
    await before.close();
    const system = runner(env);
    await system.start();
    expect(await system.get(Counters).getCount("dinosaurs")).toBe(1);
  });

  it("queues prompts received while processing, each name once, and processes them before returning", async () => {
    const pulls: string[] = [];
    let system: SingleThreadedRunner | undefined;
    let prompting = false;
    class Prompting extends Counters {
      static override applicationName = "Prompting";
      override async pullAndProcess(name: string): Promise<void> {
        pulls.push(name);
        if (prompting) {
          // Prompts that arrive while the runner processes: queued once, not processed now.
          prompting = false;
          await system?.receivePrompt(name);
          await system?.receivePrompt(name);
        }
        await super.pullAndProcess(name);
      }
    }
    system = new SingleThreadedRunner(new System([[Worlds, Prompting]]));
    runners.push(system);
    await system.start();
    pulls.length = 0;
    prompting = true;
    await system.get(Worlds).createWorld();
    expect(pulls).toEqual(["Worlds", "Worlds"]);
  });
});
