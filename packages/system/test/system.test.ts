/**
 * System definitions are checked when made; leaders (and process applications) prompt their
 * followers after each save; a runner starts once, runs each application on the store its
 * environment names, and catches up after a restart.
 */
import { Application, type ApplicationOptions } from "@es/application";
import { Aggregate, aggregate, type DomainEvent } from "@es/domain";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConcurrentRunner,
  Follower,
  Leader,
  ProcessApplication,
  type ProcessEvent,
  type Runner,
  RunnerAlreadyStarted,
  SingleThreadedRunner,
  System,
  SystemDefinitionError,
  SystemError,
} from "../src/index.js";
import { stores } from "./stores.js";
import { Counters, World, Worlds } from "./worlds.js";

class Emails extends Follower {
  static override applicationName = "Emails";
  policy(_event: unknown, _processEvent: ProcessEvent): void {}
}
class Middle extends ProcessApplication {
  static override applicationName = "Middle";
  policy(): void {}
}

describe("a system", () => {
  it("has the applications as nodes, by name, and the pipes as edges", () => {
    const system = new System([[Worlds, Counters]]);
    expect([...system.nodes.keys()]).toEqual(["Worlds", "Counters"]);
    expect(system.nodes.get("Worlds")).toBe(Worlds);
    expect(system.edges).toEqual([["Worlds", "Counters"]]);
    expect(system.leaders).toEqual(["Worlds"]);
    expect(system.followers).toEqual(["Counters"]);
    expect(system.followersOf("Worlds")).toEqual(["Counters"]);
    expect(system.leadersOf("Counters")).toEqual(["Worlds"]);
  });

  it("lists each edge once, and the applications that only lead", () => {
    const system = new System([
      [Leader, Middle, Counters],
      [Leader, Middle],
    ]);
    expect(system.edges).toEqual([
      ["Leader", "Middle"],
      ["Middle", "Counters"],
    ]);
    expect(system.leadersOnly).toEqual(["Leader"]);
  });

  it("refuses a class that can't follow where one must", () => {
    expect(() => new System([[Worlds, Leader]])).toThrow(SystemDefinitionError);
    expect(() => new System([[Worlds, Leader]])).toThrow("Not a follower class: Leader");
    expect(() => new System([[Worlds, Emails, Counters]])).toThrow(
      "Not a process application class: Emails",
    );
    expect(() => new System([[Worlds, Worlds]])).toThrow("Not a follower class: Worlds");
  });

  it("refuses two classes of one name, an application following itself, and non-applications", () => {
    class OtherWorlds extends Application {
      static override applicationName = "Worlds";
    }
    expect(() => new System([[Worlds, Counters], [OtherWorlds]])).toThrow(
      "Two classes are named 'Worlds' in this system (Worlds and OtherWorlds)",
    );
    expect(() => new System([[Middle, Middle]])).toThrow("'Middle' can't follow itself");
    expect(() => new System([[Date as unknown as typeof Application]])).toThrow(
      "Not an application class: Date",
    );
    expect(() => new System([[Worlds]]).classOf("Nowhere")).toThrow(
      "No application named 'Nowhere' in this system",
    );
  });

  it("makes plain applications that lead into leaders, keeping their name", async () => {
    const system = new System([[Worlds, Counters]]);
    const Made = system.leaderClassOf("Worlds");
    expect(Made.prototype).toBeInstanceOf(Worlds);
    expect(typeof (Made.prototype as { lead?: unknown }).lead).toBe("function");
    const app = new (Made as unknown as typeof Worlds)();
    expect(app.name).toBe("Worlds");
    await app.close();
    expect(system.leaderClassOf("Counters")).toBe(Counters);
  });
});

@aggregate("Prompted")
class Prompted extends Aggregate {}

describe("a leader", () => {
  it("prompts its followers after a save that recorded events, not after one that didn't", async () => {
    const leader = new (class extends Leader {
      static override applicationName = "Prompter";
    })();
    const prompts: string[] = [];
    leader.lead({ receivePrompt: async (name) => void prompts.push(name) });
    await leader.save(Prompted.create());
    expect(prompts).toEqual(["Prompter"]);
    await leader.save();
    expect(prompts).toEqual(["Prompter"]);
    await leader.close();
  });
});

const running: Runner[] = [];
const opened: Application[] = [];
afterEach(async () => {
  for (const runner of running.splice(0)) await runner.stop().catch(() => {});
  for (const app of opened.splice(0)) await app.close();
});

describe("a process application", () => {
  it("prompts its followers after recording new events, not after tracking a notification it ignored", async () => {
    const worlds = new Worlds();
    const counters = new Counters();
    opened.push(worlds, counters);
    const prompts: string[] = [];
    counters.follow("Worlds", worlds.log);
    counters.lead({ receivePrompt: async (name) => void prompts.push(name) });
    const world = await worlds.createWorld();
    await counters.pullAndProcess("Worlds");
    // A world's creation isn't counted: tracked, but no new events, so no prompt.
    expect(await counters.processRecorder.maxTrackingId("Worlds")).toBe(1);
    expect(prompts).toEqual([]);
    await worlds.makeItSo(world, "dinosaurs");
    await counters.pullAndProcess("Worlds");
    expect(prompts).toEqual(["Counters"]);
  });
});

@aggregate("Notice")
class Notice extends Aggregate {
  world: string;

  constructor({ world }: { world: string }) {
    super();
    this.world = world;
  }
}

/** Makes a notice of each world created. */
class Notices extends Follower {
  static override applicationName = "Notices";

  policy(domainEvent: DomainEvent, processEvent: ProcessEvent): void {
    if (domainEvent instanceof World.Created) {
      processEvent.collectEvents(Notice.create({ world: domainEvent.originatorId }));
    }
  }
}

const kinds = [
  ["single-threaded", SingleThreadedRunner, async () => {}],
  ["concurrent", ConcurrentRunner, (r: Runner) => (r as ConcurrentRunner).idle()],
] as const;

describe.each(
  kinds.flatMap(([kind, Kind, settle]) =>
    stores.map(([store, env]) => [`${kind} runner, ${store} store`, Kind, settle, env] as const),
  ),
)("a system run by the %s", (_name, Kind, settle, env) => {
  it("starts once, gives its applications, and has the follower process the leader's saves", async () => {
    const runner = new Kind(new System([[Worlds, Notices]]), { env: env() });
    running.push(runner);
    await runner.start();
    await expect(runner.start()).rejects.toBeInstanceOf(RunnerAlreadyStarted);
    const worlds = runner.get(Worlds);
    const notices = runner.get(Notices);
    expect(worlds).toBeInstanceOf(Worlds);
    expect(notices).toBeInstanceOf(Notices);
    expect((await notices.log.section("1,5")).items).toHaveLength(0);

    const world = await worlds.createWorld();
    await settle(runner);
    const [notice] = (await notices.log.section("1,5")).items;
    expect((await notices.log.section("1,5")).items).toHaveLength(1);
    expect((await notices.repository.get<Notice>(notice?.originatorId ?? "")).world).toBe(world);
    running.splice(running.indexOf(runner), 1);
    await runner.stop();
  });
});

describe.each(
  kinds.flatMap(([kind, Kind, settle]) =>
    stores
      .filter(([store]) => store !== "in-memory")
      .map(([store, env]) => [`${kind} runner, ${store} store`, Kind, settle, env] as const),
  ),
)("a system run by the %s", (_name, Kind, settle, env) => {
  it("processes, when started again, what was recorded while it was stopped, and nothing twice", async () => {
    const values = env();
    const first = new Kind(new System([[Worlds, Counters]]), { env: values });
    running.push(first);
    await first.start();
    const world = await first.get(Worlds).createWorld();
    await first.get(Worlds).makeItSo(world, "dinosaurs");
    await settle(first);
    expect(await first.get(Counters).getCount("dinosaurs")).toBe(1);
    running.splice(running.indexOf(first), 1);
    await first.stop();

    const alone = new Worlds({ env: values });
    opened.push(alone);
    await alone.makeItSo(world, "dinosaurs");
    await alone.makeItSo(world, "trucks");

    const again = new Kind(new System([[Worlds, Counters]]), { env: values });
    running.push(again);
    await again.start();
    await settle(again);
    const counters = again.get(Counters);
    expect([await counters.getCount("dinosaurs"), await counters.getCount("trucks")]).toEqual([
      2, 1,
    ]);
    expect(await counters.processRecorder.maxTrackingId("Worlds")).toBe(4);
  });

  it("runs each application on a database of its own, named by variables prefixed with its name", async () => {
    const [ownWorlds, ownNotices] = [env(), env()];
    const prefixed = (prefix: string, values: Record<string, string>) =>
      Object.fromEntries(Object.entries(values).map(([key, value]) => [`${prefix}_${key}`, value]));
    const runner = new Kind(new System([[Worlds, Notices]]), {
      env: { ...prefixed("WORLDS", ownWorlds), ...prefixed("NOTICES", ownNotices) },
    });
    running.push(runner);
    await runner.start();
    await runner.get(Worlds).createWorld();
    await settle(runner);
    expect((await runner.get(Notices).log.select(1, 10)).length).toBe(1);
    running.splice(running.indexOf(runner), 1);
    await runner.stop();

    const open = async <A extends Application>(
      Cls: new (options: ApplicationOptions) => A,
      values: Record<string, string>,
    ): Promise<A> => {
      const app = new Cls({ env: values });
      opened.push(app);
      await app.ready;
      return app;
    };
    const count = async (app: Application) => (await app.log.select(1, 10)).length;
    expect(await count(await open(Worlds, ownWorlds))).toBe(1);
    expect(await count(await open(Notices, ownNotices))).toBe(1);
    expect(await (await open(Notices, ownNotices)).processRecorder.maxTrackingId("Worlds")).toBe(1);
    // Neither application's records are in the other's database.
    expect(await count(await open(Worlds, ownNotices))).toBe(0);
    expect(await count(await open(Notices, ownWorlds))).toBe(0);
  });
});

describe.each(kinds)("the %s runner", (_kind, Kind) => {
  it.each([
    ["its constructor throws", {}],
    ["its infrastructure can't be made", { BROKEN_INFRASTRUCTURE_FACTORY: "@es/no-such-adapter" }],
  ] as const)(
    "fails to start when an application can't be made (%s), closing what it made",
    async (what, env) => {
      const made: Worlds[] = [];
      class MadeWorlds extends Worlds {
        static override applicationName = "Worlds";
        constructor(options?: ApplicationOptions) {
          super(options);
          made.push(this);
        }
      }
      class Broken extends Counters {
        static override applicationName = "Broken";
        constructor(options?: ApplicationOptions) {
          super(options);
          if (what === "its constructor throws") throw new Error("can't be made");
        }
      }
      const runner = new Kind(new System([[MadeWorlds, Broken]]), { env });
      running.push(runner);
      const error = await runner.start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SystemError);
      expect((error as Error).message).toMatch(/^Application 'Broken' failed to start: /);
      expect((error as Error).cause).toBeInstanceOf(Error);
      if (what === "its constructor throws") {
        expect((error as Error).message).toBe(
          "Application 'Broken' failed to start: can't be made",
        );
      }
      expect(made).toHaveLength(1);
      expect(() => made[0]?.recorder).toThrow("Worlds is closed");
    },
  );
});
