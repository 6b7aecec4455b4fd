/**
 * A follower that names the topics its policy handles (`static followTopics`) reads only their
 * notifications — the store skips the others — and still processes each exactly once, tracking
 * each by its id in the leader's whole log, so that it resumes after the last one across a
 * restart, however many others there were.
 */
import { type DomainEvent, getTopic } from "@es/domain";
import { describe, expect, it } from "vitest";
import {
  NotificationLogReader,
  ProcessApplication,
  type ProcessEvent,
  SystemDefinitionError,
} from "../src/index.js";
import { made } from "./closing.js";
import { stores } from "./stores.js";
import { Counter, World, Worlds } from "./worlds.js";

const HAPPENED = getTopic(World.SomethingHappened);

/** Counts what happened in worlds, reading only the notifications of what happened. */
class Happenings extends ProcessApplication {
  static override applicationName = "Happenings";
  static override followTopics = [HAPPENED];
  /** The leader's notification ids this instance processed, in order. */
  readonly processed: number[] = [];
  /** The topics of the events its policy was given. */
  readonly topicsSeen = new Set<string>();

  async policy(domainEvent: DomainEvent, processEvent: ProcessEvent): Promise<void> {
    this.topicsSeen.add(getTopic(domainEvent.constructor as typeof DomainEvent));
    const id = processEvent.tracking?.notificationId ?? 0;
    this.processed.push(id);
    processEvent.collectEvents(Counter.create({ name: `happened ${id}` }));
  }
}

/** `count` worlds, each created and then given each of `whats`. */
async function happen(worlds: Worlds, count: number, whats: readonly string[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const world = await worlds.createWorld();
    for (const what of whats) await worlds.makeItSo(world, what);
  }
}

/** The ids of the leader's notifications of `topic`. */
async function idsOf(worlds: Worlds, topic: string): Promise<number[]> {
  const all = await worlds.recorder.selectNotifications(1, 10_000);
  return all.filter((n) => n.topic === topic).map((n) => n.id);
}

describe.each(stores.filter(([name]) => name !== "in-memory"))(
  "a follower that names its topics, on the %s store",
  (_store, env) => {
    it("processes exactly the notifications of its topics once, across a restart", async () => {
      const values = env();
      const worlds = made(new Worlds({ env: values }));
      await happen(worlds, 12, ["dinosaurs"]);
      await happen(worlds, 1, []);
      const first = made(new Happenings({ env: values }));
      first.follow("Worlds", worlds.log);
      await first.pullAndProcess("Worlds");
      const before = await idsOf(worlds, HAPPENED);
      expect(first.processed).toEqual(before);
      expect([...first.topicsSeen]).toEqual([HAPPENED]);
      // Tracked up to the last of its topics, not the last of the log (a world created).
      expect(await first.processRecorder.maxTrackingId("Worlds")).toBe(before.at(-1));
      expect(await worlds.recorder.maxNotificationId()).toBeGreaterThan(before.at(-1) ?? 0);
      await first.close();

      // Many others are recorded while it is stopped, and a few of its topics among them.
      await happen(worlds, 30, []);
      await happen(worlds, 2, ["trucks", "internet"]);
      await happen(worlds, 5, []);
      const restarted = made(new Happenings({ env: values }));
      restarted.follow("Worlds", worlds.log);
      await restarted.pullAndProcess("Worlds");
      await restarted.pullAndProcess("Worlds");
      const all = await idsOf(worlds, HAPPENED);
      expect(restarted.processed).toEqual(all.slice(before.length));
      expect(restarted.processed).toHaveLength(4);
      // Tracked up to its last notification processed, not past it to the log's last.
      const last = all.at(-1) ?? 0;
      for (const id of [...all, 1, 2, last + 1]) {
        expect(await restarted.processRecorder.hasTrackingId("Worlds", id)).toBe(id <= last);
      }
      expect(await restarted.recorder.maxNotificationId()).toBe(all.length);
    });
  },
);

describe("a follower's topics", () => {
  it("are every topic when none are named", async () => {
    const worlds = made(new Worlds());
    await happen(worlds, 2, ["dinosaurs"]);
    class Everything extends Happenings {
      static override applicationName = "Everything";
      static override followTopics = [];
    }
    const everything = made(new Everything());
    everything.follow("Worlds", worlds.log);
    await everything.pullAndProcess("Worlds");
    expect(everything.processed).toEqual([1, 2, 3, 4]);
  });

  it("must be an array of topic strings, or following fails naming the follower", () => {
    const worlds = made(new Worlds());
    class OneString extends Happenings {
      static override applicationName = "OneString";
    }
    // As JavaScript, or a careless override, could give them.
    Object.defineProperty(OneString, "followTopics", { value: HAPPENED });
    expect(() => made(new OneString()).follow("Worlds", worlds.log)).toThrow(
      new SystemDefinitionError(
        "OneString's followTopics must be an array of topic strings, got string",
      ),
    );
    class NotAllStrings extends Happenings {
      static override applicationName = "NotAllStrings";
    }
    Object.defineProperty(NotAllStrings, "followTopics", { value: [HAPPENED, World] });
    expect(() => made(new NotAllStrings()).follow("Worlds", worlds.log)).toThrow(
      "NotAllStrings's followTopics must be an array of topic strings, got function at 1",
    );
  });
});

describe("a notification log reader", () => {
  it("selects by topic and up to a stop, the log's store filtering", async () => {
    const worlds = made(new Worlds());
    await happen(worlds, 6, ["a", "b"]);
    const reader = new NotificationLogReader(worlds.log, 2);
    const ids = async (start: number, options: { stop?: number; topics?: string[] }) => {
      const seen: number[] = [];
      for await (const n of reader.select({ start, ...options })) seen.push(n.id);
      return seen;
    };
    const created = getTopic(World.Created);
    expect(await ids(1, { topics: [created] })).toEqual([1, 4, 7, 10, 13, 16]);
    expect(await ids(5, { topics: [created] })).toEqual([7, 10, 13, 16]);
    expect(await ids(1, { stop: 5 })).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(1, { stop: 10, topics: [created] })).toEqual([1, 4, 7, 10]);
    expect(await ids(11, { stop: 10 })).toEqual([]);
    expect(await ids(1, { topics: [] })).toHaveLength(18);
  });
});
