/**
 * Followers process each notification exactly once: a process event and its tracking record
 * are recorded together, processing resumes after the last one recorded (across restarts),
 * and two instances processing at once record each notification once.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aggregate, aggregate, type DomainEvent } from "@es/domain";
import { afterAll, describe, expect, it } from "vitest";
import {
  Follower,
  Leader,
  NotificationLogReader,
  ProcessEvent,
  SystemDefinitionError,
} from "../src/index.js";
import { made } from "./closing.js";
import { stores } from "./stores.js";
import { Counter, Counters, World, Worlds } from "./worlds.js";

const dir = mkdtempSync(join(tmpdir(), "es-follower-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sqlite = () => ({
  INFRASTRUCTURE_FACTORY: "@es/sqlite",
  SQLITE_DBNAME: join(dir, `${randomUUID()}.db`),
});

async function happenings(worlds: Worlds, whats: readonly string[]): Promise<void> {
  const world = await worlds.createWorld();
  for (const what of whats) await worlds.makeItSo(world, what);
}

@aggregate("Email")
class Email extends Aggregate {
  to: string;

  constructor({ to }: { to: string }) {
    super();
    this.to = to;
  }
}

/** Sends an email (makes an Email) for each world created upstream. */
class Emails extends Follower {
  static override applicationName = "Emails";

  policy(domainEvent: DomainEvent, processEvent: ProcessEvent): void {
    if (domainEvent instanceof World.Created) {
      processEvent.collectEvents(Email.create({ to: domainEvent.originatorId }));
    }
  }
}

/** Worlds that prompt their followers after each save. */
class LeadingWorlds extends Leader {
  static override applicationName = "LeadingWorlds";

  async createWorld(): Promise<string> {
    const world = World.create();
    await this.save(world);
    return world.id;
  }
}

describe("a process event", () => {
  it("collects aggregates' pending events in the order given, skipping nothing", () => {
    const [a, b] = [Counter.create({ name: "a" }), Counter.create({ name: "b" })];
    a.increment();
    const processEvent = new ProcessEvent({ applicationName: "Up", notificationId: 7 });
    processEvent.collectEvents(b, null, a);
    processEvent.save(b);
    expect(processEvent.events.map((e) => [e.originatorId, e.originatorVersion])).toEqual([
      [b.id, 1],
      [a.id, 1],
      [a.id, 2],
    ]);
    expect(a.pendingEvents).toEqual([]);
    expect(processEvent.aggregates).toEqual([b, a]);
    expect(processEvent.tracking).toEqual({ applicationName: "Up", notificationId: 7 });
  });
});

describe("a policy", () => {
  it("collects the events of what it makes in the process event, and records nothing itself", async () => {
    const emails = made(new Emails());
    await emails.ready;
    const world = World.create();
    const [created] = world.collectEvents();
    const processEvent = new ProcessEvent({ applicationName: "upstream_app", notificationId: 5 });
    await emails.policy(created as DomainEvent, processEvent);
    expect(processEvent.events).toHaveLength(1);
    expect(processEvent.events[0]).toBeInstanceOf(Email.Created);
    expect(processEvent.events[0]?.originatorVersion).toBe(1);
    expect(processEvent.tracking).toEqual({ applicationName: "upstream_app", notificationId: 5 });
    expect(await emails.recorder.maxNotificationId()).toBe(0);

    // Recording the process event records its events with the tracking record, at once.
    expect(await emails.record(processEvent)).toEqual([1]);
    expect(await emails.processRecorder.maxTrackingId("upstream_app")).toBe(5);
    const email = await emails.repository.get<Email>(processEvent.events[0]?.originatorId ?? "");
    expect(email.to).toBe(world.id);
  });
});

describe.each(stores)("a follower on the %s store", (_store, env) => {
  it("pulls each notification once, and processes a leader's saves when the leader prompts it", async () => {
    const values = env();
    const worlds = made(new LeadingWorlds({ env: values }));
    await worlds.ready;
    const emails = made(new Emails({ env: values }));
    emails.follow("LeadingWorlds", worlds.log);
    expect((await emails.log.section("1,5")).items).toHaveLength(0);

    const alice = await worlds.createWorld();
    await emails.pullAndProcess("LeadingWorlds");
    expect((await emails.log.section("1,5")).items).toHaveLength(1);
    // Pulling again starts after the last notification tracked: nothing is processed twice.
    await emails.pullAndProcess("LeadingWorlds");
    expect((await emails.log.section("1,5")).items).toHaveLength(1);
    expect(await emails.processRecorder.maxTrackingId("LeadingWorlds")).toBe(1);

    // Led by the leader, the follower has processed a save by the time the save returns.
    worlds.lead({ receivePrompt: (name) => emails.pullAndProcess(name) });
    const bob = await worlds.createWorld();
    const section = await emails.log.section("1,5");
    expect(section.items).toHaveLength(2);
    const sent = await Promise.all(
      section.items.map(async (n) => (await emails.repository.get<Email>(n.originatorId)).to),
    );
    expect(sent).toEqual([alice, bob]);
    expect(await emails.processRecorder.maxTrackingId("LeadingWorlds")).toBe(2);
  });
});

describe("a follower", () => {
  it("processes each notification once, resuming after the last recorded when restarted", async () => {
    const env = sqlite();
    const worlds = made(new Worlds({ env }));
    await happenings(worlds, ["dinosaurs", "trucks"]);
    const first = made(new Counters({ env }));
    first.follow("Worlds", worlds.log);
    await first.pullAndProcess("Worlds");
    await first.pullAndProcess("Worlds");
    expect(await first.getCount("dinosaurs")).toBe(1);
    await first.close();

    await happenings(worlds, ["dinosaurs"]);
    const restarted = made(new Counters({ env }));
    restarted.follow("Worlds", worlds.log);
    await restarted.pullAndProcess("Worlds");
    expect([await restarted.getCount("dinosaurs"), await restarted.getCount("trucks")]).toEqual([
      2, 1,
    ]);
    expect(await restarted.processRecorder.maxTrackingId("Worlds")).toBe(
      await worlds.recorder.maxNotificationId(),
    );
  });

  it("follows a leader whose log sections are smaller than it would read at a time", async () => {
    class SmallSections extends Worlds {
      static override applicationName = "SmallSections";
      static override logSectionSize = 3;
    }
    const worlds = made(new SmallSections());
    await happenings(worlds, ["dinosaurs", "trucks", "dinosaurs", "internet", "dinosaurs"]);
    const counters = made(new Counters());
    counters.follow("SmallSections", worlds.log);
    await counters.pullAndProcess("SmallSections");
    expect(await counters.getCount("dinosaurs")).toBe(3);
    expect(await counters.processRecorder.maxTrackingId("SmallSections")).toBe(
      await worlds.recorder.maxNotificationId(),
    );
  });

  it("tracks the notifications its policy ignores", async () => {
    const env = sqlite();
    const worlds = made(new Worlds({ env }));
    await happenings(worlds, []);
    const counters = made(new Counters({ env }));
    counters.follow("Worlds", worlds.log);
    await counters.pullAndProcess("Worlds");
    expect(await counters.processRecorder.maxTrackingId("Worlds")).toBe(1);
    expect(await counters.recorder.maxNotificationId()).toBe(0);
  });

  it("records each notification once when two instances process at once", async () => {
    const env = sqlite();
    const worlds = made(new Worlds({ env }));
    for (let i = 0; i < 5; i++) await happenings(worlds, ["dinosaurs", "trucks"]);
    const [one, two] = [made(new Counters({ env })), made(new Counters({ env }))];
    one.follow("Worlds", worlds.log);
    two.follow("Worlds", worlds.log);
    await Promise.all([
      one.pullAndProcess("Worlds"),
      two.pullAndProcess("Worlds"),
      one.pullAndProcess("Worlds"),
    ]);
    expect(await one.getCount("dinosaurs")).toBe(5);
    expect(await two.getCount("trucks")).toBe(5);
  });

  it("refuses to pull from an application it doesn't follow", async () => {
    const counters = made(new Counters());
    expect(() => counters.pullAndProcess("Worlds")).toThrow(SystemDefinitionError);
    expect(() => counters.pullAndProcess("Worlds")).toThrow(
      "Counters doesn't follow an application named 'Worlds'",
    );
  });

  it("records nothing of a notification whose policy failed, and processes it again next time", async () => {
    @aggregate("Flaky")
    class Flaky extends Aggregate {}
    let failures = 1;
    class Careful extends Follower {
      static override applicationName = "Careful";
      async policy(_event: unknown, processEvent: ProcessEvent): Promise<void> {
        processEvent.collectEvents(Flaky.create());
        if (failures-- > 0) throw new Error("not this time");
      }
    }
    const worlds = made(new Worlds());
    await happenings(worlds, []);
    const careful = made(new Careful());
    careful.follow("Worlds", worlds.log);
    await expect(careful.pullAndProcess("Worlds")).rejects.toThrow("not this time");
    expect(await careful.processRecorder.maxTrackingId("Worlds")).toBe(0);
    expect(await careful.recorder.maxNotificationId()).toBe(0);
    await careful.pullAndProcess("Worlds");
    expect(await careful.processRecorder.maxTrackingId("Worlds")).toBe(1);
    expect(await careful.recorder.maxNotificationId()).toBe(1);
  });
});

describe("a notification log reader", () => {
  it("reads by sections, or selects, from a position to the end", async () => {
    const worlds = made(new Worlds());
    for (let i = 0; i < 4; i++) await happenings(worlds, ["a", "b", "c"]);
    const reader = new NotificationLogReader(worlds.log, 5);
    const ids = async (notifications: AsyncIterable<{ id: number }>) => {
      const seen: number[] = [];
      for await (const n of notifications) seen.push(n.id);
      return seen;
    };
    const all = Array.from({ length: 16 }, (_, i) => i + 1);
    expect(await ids(reader.read({ start: 1 }))).toEqual(all);
    expect(await ids(reader.select({ start: 1 }))).toEqual(all);
    expect(await ids(reader.read({ start: 14 }))).toEqual([14, 15, 16]);
    expect(await ids(reader.select({ start: 17 }))).toEqual([]);
    expect(() => new NotificationLogReader(worlds.log, 0)).toThrow(RangeError);
  });
});
