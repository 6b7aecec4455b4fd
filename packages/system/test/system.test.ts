/** System definitions are checked when made; leaders prompt their followers after each save. */
import { Application } from "@es/application";
import { Aggregate, aggregate } from "@es/domain";
import { describe, expect, it } from "vitest";
import {
  Follower,
  Leader,
  ProcessApplication,
  type ProcessEvent,
  System,
  SystemDefinitionError,
} from "../src/index.js";
import { Counters, Worlds } from "./worlds.js";

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
