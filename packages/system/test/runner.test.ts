/**
 * The system of the original's documentation on every runner and every store: counts are
 * right as soon as each command returns (single-threaded), or once the followers are idle
 * (concurrent).
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  ConcurrentRunner,
  EventProcessingError,
  Follower,
  type MultiProcessRunner,
  type MultiProcessRunnerOptions,
  type Runner,
  RunnerAlreadyStarted,
  SingleThreadedRunner,
  System,
  SystemDefinitionError,
  SystemError,
} from "../src/index.js";
import { system as cycle, Pings, Pongs, RALLY } from "./cycle-system.js";
import { Failing } from "./failing-system.js";
import { multiProcessRunner, systemModule } from "./processes.js";
import { stores } from "./stores.js";
import { Counters, Worlds } from "./worlds.js";

const runners: Runner[] = [];
afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop().catch(() => {});
});

function runner(env: Record<string, string>): SingleThreadedRunner {
  const made = new SingleThreadedRunner(new System([[Worlds, Counters]]), { env });
  runners.push(made);
  return made;
}

type Env = Record<string, string>;
const kinds = [
  [
    "single-threaded",
    (system: System, env: Env, _options?: Partial<MultiProcessRunnerOptions>) =>
      new SingleThreadedRunner(system, { env }),
    async () => {},
    stores,
  ],
  [
    "concurrent",
    (system: System, env: Env, _options?: Partial<MultiProcessRunnerOptions>) =>
      new ConcurrentRunner(system, { env }),
    (r: Runner) => (r as ConcurrentRunner).idle(),
    stores,
  ],
  [
    "multi-process",
    multiProcessRunner,
    (r: Runner) => (r as MultiProcessRunner).idle(),
    // Processes share a store on disk or on a server, not in memory.
    stores.filter(([store]) => store !== "in-memory"),
  ],
] as const;
const cases = kinds.flatMap(([kind, make, settle, on]) =>
  on.map(([store, env]) => [`${kind}, ${store}`, make, settle, env] as const),
);

describe.each(cases)("the system on the %s runner", (_name, make, settle, env) => {
  it("counts every happening once", async () => {
    const system = make(new System([[Worlds, Counters]]), env());
    runners.push(system);
    await system.start();
    const worlds = system.get(Worlds);
    const counters = system.get(Counters);
    const [world1, world2, world3] = [
      await worlds.createWorld(),
      await worlds.createWorld(),
      await worlds.createWorld(),
    ];
    const counts = async () => {
      await settle(system);
      return Promise.all(["dinosaurs", "trucks", "internet"].map((w) => counters.getCount(w)));
    };
    expect(await counts()).toEqual([0, 0, 0]);

    for (const world of [world1, world2, world3]) await worlds.makeItSo(world, "dinosaurs");
    expect(await counts()).toEqual([3, 0, 0]);
    await worlds.makeItSo(world1, "trucks");
    await worlds.makeItSo(world2, "trucks");
    expect(await counts()).toEqual([3, 2, 0]);
    await worlds.makeItSo(world1, "internet");
    expect(await counts()).toEqual([3, 2, 1]);

    // Every notification of Worlds was tracked once: 3 created, 6 happened.
    await settle(system);
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

describe.each(cases.filter(([name]) => name.endsWith("sqlite")))(
  "a system with a cycle on the %s runner",
  (_name, make, settle, env) => {
    it("goes round the cycle until the policies stop, each notification processed once", async () => {
      const runner = make(cycle, env(), { module: systemModule("cycle-system") });
      runners.push(runner);
      await runner.start();
      await runner.get(Pings).serve();
      await settle(runner);
      // Pings served (hit 1) and hit 3 and 5; Pongs hit 2, 4 and 6.
      expect(await runner.get(Pings).recorder.maxNotificationId()).toBe(RALLY / 2);
      expect(await runner.get(Pongs).recorder.maxNotificationId()).toBe(RALLY / 2);
      expect(await runner.get(Pongs).processRecorder.maxTrackingId("Pings")).toBe(RALLY / 2);
      expect(await runner.get(Pings).processRecorder.maxTrackingId("Pongs")).toBe(RALLY / 2);
    });
  },
);

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
    await system.stop();
    expect(() => system.get(Worlds)).toThrow(
      "The runner is stopped: start a new runner to use its applications",
    );
  });

  it("rejects a save whose processing failed with an EventProcessingError, the save recorded all the same", async () => {
    const system = new SingleThreadedRunner(new System([[Worlds, Failing]]));
    runners.push(system);
    await system.start();
    const worlds = system.get(Worlds);
    const error = await worlds.createWorld().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventProcessingError);
    expect((error as Error).message).toBe("Failing failed to process notifications: no, thanks");
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(await worlds.recorder.maxNotificationId()).toBe(1);
    expect(await system.get(Failing).processRecorder.maxTrackingId("Worlds")).toBe(0);
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

describe("the concurrent runner", () => {
  it("returns from a save while its follower can't process it, and has it processed once the follower can", async () => {
    let holding = false;
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    class Held extends Counters {
      static override applicationName = "Held";
      override async pullAndProcess(name: string): Promise<void> {
        // Held only after starting, so that the runner's start isn't held with it.
        if (holding) await released;
        await super.pullAndProcess(name);
      }
    }
    const system = new ConcurrentRunner(new System([[Worlds, Held]]));
    runners.push(system);
    await system.start();
    holding = true;
    const worlds = system.get(Worlds);
    const world = await worlds.createWorld();
    // Were a save to wait for its followers, this would never return.
    await worlds.makeItSo(world, "dinosaurs");
    expect(await system.get(Held).getCount("dinosaurs")).toBe(0);
    release();
    await system.idle();
    expect(await system.get(Held).getCount("dinosaurs")).toBe(1);
  });

  it("fails to start, closing what it made, when an application can't be made", async () => {
    class Broken extends Counters {
      static override applicationName = "Broken";
    }
    const system = new ConcurrentRunner(new System([[Worlds, Broken]]), {
      env: { BROKEN_INFRASTRUCTURE_FACTORY: "@es/no-such-adapter" },
    });
    runners.push(system);
    await expect(system.start()).rejects.toThrow("Application 'Broken' failed to start");
  });

  it("stops a follower whose processing fails, and reports it when stopped", async () => {
    class Failing extends Follower {
      static override applicationName = "Failing";
      policy(): void {
        throw new Error("no, thanks");
      }
    }
    const system = new ConcurrentRunner(new System([[Worlds, Failing]]));
    await system.start();
    await system.get(Worlds).createWorld();
    await system.idle();
    expect(system.errors.map((e) => e.message)).toEqual([
      "Failing failed to process notifications: no, thanks",
    ]);
    await system.get(Worlds).createWorld();
    await system.idle();
    expect(system.errors).toHaveLength(1);
    const stopped = await system.stop().catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(EventProcessingError);
    expect((stopped as Error).cause).toBeInstanceOf(Error);
  });

  it("coalesces the prompts a busy follower receives into one more pull", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pulls: string[] = [];
    class Slow extends Counters {
      static override applicationName = "Slow";
      override async pullAndProcess(name: string): Promise<void> {
        pulls.push(name);
        await gate;
        await super.pullAndProcess(name);
      }
    }
    const system = new ConcurrentRunner(new System([[Worlds, Slow]]));
    runners.push(system);
    await system.start();
    const worlds = system.get(Worlds);
    for (let i = 0; i < 5; i++) await worlds.createWorld();
    release();
    await system.idle();
    // One pull to catch up at start (held at the gate), then one for all five prompts.
    expect(pulls).toEqual(["Worlds", "Worlds"]);
    expect(await system.get(Slow).processRecorder.maxTrackingId("Worlds")).toBe(5);
  });
});
