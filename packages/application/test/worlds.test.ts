/**
 * The Worlds application: saving, the repository's versions, the
 * notification log, and snapshotting.
 */
import { Aggregate, AggregateEvent, event } from "@es/domain";
import { type Notification, RecordConflictError } from "@es/persistence-core";
import { afterEach, describe, expect, it } from "vitest";
import {
  AggregateNotFound,
  AggregateNotFoundError,
  Application,
  ApplicationStateError,
  SnapshottingDisabledError,
} from "../src/index.js";

class World extends Aggregate {
  declare static readonly SomethingHappened: typeof AggregateEvent;
  history: string[] = [];

  @event("SomethingHappened")
  makeItSo(what: string) {
    this.history.push(what);
  }
}

class Worlds extends Application {
  async createWorld(): Promise<string> {
    const world = World.create();
    await this.save(world);
    return world.id;
  }

  async makeItSo(worldId: string, what: string): Promise<void> {
    const world = await this.repository.get<World>(worldId);
    world.makeItSo(what);
    await this.save(world);
  }

  async getWorldHistory(worldId: string): Promise<string[]> {
    const world = await (await this.infrastructure()).repository.get<World>(worldId);
    return [...world.history];
  }
}

async function worldWithHistory(app: Worlds): Promise<string> {
  const worldId = await app.createWorld();
  for (const what of ["dinosaurs", "trucks", "internet"]) await app.makeItSo(worldId, what);
  return worldId;
}

const apps: Application[] = [];
function track<A extends Application>(app: A): A {
  apps.push(app);
  return app;
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  delete process.env.IS_SNAPSHOTTING_ENABLED;
});

describe("Worlds", () => {
  it("creates a world and tells its history", async () => {
    const app = track(new Worlds());
    const worldId = await worldWithHistory(app);
    expect(await app.getWorldHistory(worldId)).toEqual(["dinosaurs", "trucks", "internet"]);
  });

  it("gets any version of an aggregate, the highest when asked for more", async () => {
    const app = track(new Worlds());
    const worldId = await worldWithHistory(app);
    const latest = await app.repository.get<World>(worldId);
    expect(latest.version).toBe(4);
    expect(latest.history).toHaveLength(3);
    const expected = [
      [],
      ["dinosaurs"],
      ["dinosaurs", "trucks"],
      ["dinosaurs", "trucks", "internet"],
    ];
    for (const version of [1, 2, 3, 4]) {
      const world = await app.repository.get<World>(worldId, { version });
      expect(world.version).toBe(version);
      expect(world.history).toEqual(expected[version - 1]);
    }
    const v5 = await app.repository.get<World>(worldId, { version: 5 });
    expect(v5.version).toBe(4);
    expect(v5.history.at(-1)).toBe("internet");
  });

  it("raises AggregateNotFound for unknown ids", async () => {
    const app = track(new Worlds());
    const missing = "00000000-0000-4000-8000-000000000000";
    await expect(app.repository.get(missing)).rejects.toBeInstanceOf(AggregateNotFoundError);
    await expect(app.repository.get(missing)).rejects.toThrow(`Aggregate ${missing} not found`);
    expect(AggregateNotFound).toBe(AggregateNotFoundError);
    expect(await app.repository.has(missing)).toBe(false);
  });

  it("presents notifications in sections", async () => {
    const app = track(new Worlds());
    const worldId = await worldWithHistory(app);
    const section = await app.log.section("1,10");
    expect(section.items).toHaveLength(4);
    expect(section.id).toBe("1,4");
    expect(section.nextId).toBeNull();
    const items = section.items as Notification[];
    expect(items.map((n) => n.id)).toEqual([1, 2, 3, 4]);
    expect(items.map((n) => n.originatorId)).toEqual([worldId, worldId, worldId, worldId]);
    expect(items.map((n) => n.originatorVersion)).toEqual([1, 2, 3, 4]);
    expect(items[0]?.topic).toContain("World.Created");
    expect(items[1]?.topic).toContain("World.SomethingHappened");
    const text = (n: Notification | undefined) => new TextDecoder().decode(n?.state);
    expect(text(items[1])).toContain("dinosaurs");
    expect(text(items[2])).toContain("trucks");
    expect(text(items[3])).toContain("internet");

    const created = app.mapper.toDomainEvent(items[0] as Notification);
    expect(created).toBeInstanceOf(World.Created);
    expect(created.originatorId).toBe(worldId);
    const last = app.mapper.toDomainEvent(items[3] as Notification);
    expect(last).toBeInstanceOf(World.SomethingHappened);
    expect((last as unknown as { what: string }).what).toBe("internet");
  });

  it("links full sections and selects notifications", async () => {
    class SmallSections extends Worlds {
      static override logSectionSize = 2;
    }
    const app = track(new SmallSections());
    await worldWithHistory(app);
    await worldWithHistory(app);
    const first = await app.log.section("1,2");
    expect([first.id, first.nextId]).toEqual(["1,2", "3,4"]);
    const asksForMore = await app.log.section("1,10");
    expect(asksForMore.items).toHaveLength(2);
    const last = await app.log.section("7,8");
    expect([last.id, last.nextId]).toEqual(["7,8", "9,10"]);
    const beyond = await app.log.section("9,10");
    expect([beyond.id, beyond.items.length, beyond.nextId]).toEqual([null, 0, null]);
    expect((await app.log.select(3, 2)).map((n) => n.id)).toEqual([3, 4]);
    await expect(app.log.select(1, 3)).rejects.toThrow(
      "Requested limit 3 greater than section size 2",
    );
    await expect(app.log.section("1-10")).rejects.toThrow(`Invalid section id '1-10'`);
  });

  it("is usable at once; only the synchronous mapper needs `await app.ready`", async () => {
    const app = track(new Worlds());
    const missing = "00000000-0000-4000-8000-000000000000";
    // A fresh application (as in a new process that only reads) can use its repository at once.
    await expect(app.repository.get(missing)).rejects.toBeInstanceOf(AggregateNotFoundError);
    const fresh = track(new Worlds());
    expect(() => fresh.mapper).toThrow(ApplicationStateError);
    expect(() => fresh.mapper).toThrow(
      "Worlds is not ready yet: await app.ready (or any async method) first",
    );
    await fresh.ready;
    expect(fresh.mapper).toBeDefined();
    await fresh.close();
    expect(() => fresh.mapper).toThrow("Worlds is closed");
    await expect(fresh.repository.get(missing)).rejects.toThrow("Worlds is closed");
  });

  it("reports infrastructure that can't be built from every call", async () => {
    const app = track(new Worlds({ env: { INFRASTRUCTURE_FACTORY: "no-such-adapter" } }));
    await expect(app.ready).rejects.toThrow(
      "Failed to resolve infrastructure factory topic: 'no-such-adapter'",
    );
    await expect(app.createWorld()).rejects.toThrow(
      "Failed to resolve infrastructure factory topic",
    );
  });
});

describe("snapshotting", () => {
  it("is off by default", async () => {
    const app = track(new Worlds());
    expect(app.snapshots).toBeNull();
    await expect(app.takeSnapshot("00000000-0000-4000-8000-000000000000")).rejects.toBeInstanceOf(
      SnapshottingDisabledError,
    );
    await expect(app.takeSnapshot("00000000-0000-4000-8000-000000000000")).rejects.toThrow(
      "Can't take snapshot without snapshots store. Please set environment variable IS_SNAPSHOTTING_ENABLED to a true value (e.g. 'y')",
    );
  });

  it("is enabled by constructor env, process env or class, in that order of precedence", async () => {
    // Whether there is a snapshot store is known at construction, before the infrastructure is.
    expect(track(new Worlds({ env: { IS_SNAPSHOTTING_ENABLED: "y" } })).snapshots).not.toBeNull();
    const byArg = track(new Worlds({ env: { IS_SNAPSHOTTING_ENABLED: "y" } }));
    await byArg.ready;
    expect(byArg.snapshots).not.toBeNull();

    process.env.IS_SNAPSHOTTING_ENABLED = "y";
    const byProcess = track(new Worlds());
    await byProcess.ready;
    expect(byProcess.snapshots).not.toBeNull();
    expect(track(new Worlds({ env: { IS_SNAPSHOTTING_ENABLED: "n" } })).snapshots).toBeNull();
    delete process.env.IS_SNAPSHOTTING_ENABLED;

    class WorldsWithSnapshottingEnabled extends Worlds {
      static override isSnapshottingEnabled = true;
    }
    const byClass = track(new WorldsWithSnapshottingEnabled());
    await byClass.ready;
    expect(byClass.snapshots).not.toBeNull();
    expect(
      track(new WorldsWithSnapshottingEnabled({ env: { IS_SNAPSHOTTING_ENABLED: "n" } })).snapshots,
    ).toBeNull();
    process.env.IS_SNAPSHOTTING_ENABLED = "n";
    expect(track(new WorldsWithSnapshottingEnabled()).snapshots).toBeNull();
  });

  it("honours application-prefixed variables and refuses invalid values", () => {
    expect(
      track(
        new Worlds({
          env: { WORLDS_IS_SNAPSHOTTING_ENABLED: "yes", IS_SNAPSHOTTING_ENABLED: "no" },
        }),
      ).snapshots,
    ).not.toBeNull();
    expect(
      track(
        new Worlds({
          env: { WORLDS_IS_SNAPSHOTTING_ENABLED: "no", IS_SNAPSHOTTING_ENABLED: "yes" },
        }),
      ).snapshots,
    ).toBeNull();
    expect(() => new Worlds({ env: { IS_SNAPSHOTTING_ENABLED: "sometimes" } })).toThrow(
      /Environment variable 'IS_SNAPSHOTTING_ENABLED' is invalid: "sometimes"/,
    );
  });

  it("takes snapshots of recorded versions, and the repository starts from them", async () => {
    const app = track(new Worlds({ env: { IS_SNAPSHOTTING_ENABLED: "y" } }));
    const worldId = await worldWithHistory(app);
    await app.takeSnapshot(worldId);
    const snapshots = await app.snapshots?.get(worldId, { desc: true, limit: 1 });
    expect(snapshots).toHaveLength(1);
    expect(snapshots?.[0]?.originatorId).toBe(worldId);
    expect(snapshots?.[0]?.originatorVersion).toBe(4);

    await app.takeSnapshot(worldId, 2);
    const v3 = await app.repository.get<World>(worldId, { version: 3 });
    expect(v3.version).toBe(3);
    expect(v3.history).toEqual(["dinosaurs", "trucks"]);
    const latest = await app.repository.get<World>(worldId);
    expect(latest.version).toBe(4);
    expect(latest.history).toEqual(["dinosaurs", "trucks", "internet"]);

    // The repository really starts from the snapshot: remove the events it covers.
    await app.makeItSo(worldId, "robots");
    await app.takeSnapshot(worldId);
    const fromSnapshot = await app.repository.get<World>(worldId);
    expect(fromSnapshot.history.at(-1)).toBe("robots");
    expect(fromSnapshot.version).toBe(5);
  });

  it("snapshots automatically every interval", async () => {
    class WorldsWithAutomaticSnapshotting extends Worlds {
      static override snapshottingIntervals = new Map([[World, 2]]);
    }
    const app = track(new WorldsWithAutomaticSnapshotting());
    const worldId = await worldWithHistory(app);
    const snapshots = (await app.snapshots?.get(worldId)) ?? [];
    expect(snapshots.map((s) => [s.originatorId, s.originatorVersion])).toEqual([
      [worldId, 2],
      [worldId, 4],
    ]);

    class EveryFifth extends Application {
      static override snapshottingIntervals = new Map([[World, 5]]);
      static override isSnapshottingEnabled = false;
    }
    const app5 = track(new EveryFifth());
    const world = World.create();
    await app5.save(world);
    for (let i = 0; i < 12; i++) {
      world.makeItSo(`${i}`);
      await app5.save(world);
    }
    expect(world.version).toBe(13);
    expect(((await app5.snapshots?.get(world.id)) ?? []).map((s) => s.originatorVersion)).toEqual([
      5, 10,
    ]);

    const plain = Aggregate.create();
    for (let i = 0; i < 10; i++) plain.triggerEvent(AggregateEvent);
    await app5.save(plain);
    expect(await app5.snapshots?.get(plain.id)).toEqual([]);

    // Several versions due in one save: each is snapshotted as recorded.
    const many = World.create();
    for (let i = 0; i < 11; i++) many.makeItSo(`${i}`);
    await app5.save(many);
    expect(((await app5.snapshots?.get(many.id)) ?? []).map((s) => s.originatorVersion)).toEqual([
      5, 10,
    ]);
  });
});

describe("saving", () => {
  it("saves several aggregates atomically, all or none", async () => {
    const app = track(new Worlds());
    const one = World.create();
    const two = World.create();
    expect(await app.save(one, two)).toEqual([1, 2]);
    one.makeItSo("a");
    const clash = World._create(World.Created, { id: two.id });
    await expect(app.save(one, clash)).rejects.toBeInstanceOf(RecordConflictError);
    await expect(app.repository.get<World>(one.id)).resolves.toMatchObject({ version: 1 });
    expect(await app.recorder.maxNotificationId()).toBe(2);
    expect(await app.save()).toEqual([]);
    expect(await app.save(null, undefined)).toEqual([]);
  });

  it("calls notify() with the new events after recording them", async () => {
    const seen: string[] = [];
    class Notifying extends Worlds {
      protected override async notify(newEvents: readonly AggregateEvent[]): Promise<void> {
        const recorded = await this.recorder.maxNotificationId();
        seen.push(`${newEvents.map((e) => e.constructor.name).join(",")}@${recorded}`);
      }
    }
    const app = track(new Notifying());
    const world = World.create();
    world.makeItSo("x");
    await app.save(world);
    expect(seen).toEqual(["Created,SomethingHappened@2"]);
  });
});

/** Section ids over a log with section size 5. */
describe("notification log sections", () => {
  class FiveSections extends Application {
    static override logSectionSize = 5;
  }

  async function saveEvents(app: Application, count: number) {
    const world = World.create();
    for (let i = 1; i < count; i++) world.makeItSo(`${i}`);
    await app.save(world);
  }

  const describeSection = async (app: Application, sectionId: string) => {
    const section = await app.log.section(sectionId);
    return [section.items.map((n) => n.id), section.id, section.nextId];
  };

  it("gets sections by id", async () => {
    const app = track(new FiveSections());
    expect(await describeSection(app, "1,10")).toEqual([[], null, null]);
    await saveEvents(app, 5);
    expect(await describeSection(app, "1,10")).toEqual([[1, 2, 3, 4, 5], "1,5", "6,10"]);
    expect(await describeSection(app, "1,5")).toEqual([[1, 2, 3, 4, 5], "1,5", "6,10"]);
    expect(await describeSection(app, "6,10")).toEqual([[], null, null]);
    await saveEvents(app, 4);
    expect(await describeSection(app, "6,10")).toEqual([[6, 7, 8, 9], "6,9", null]);
    expect(await describeSection(app, "3,7")).toEqual([[3, 4, 5, 6, 7], "3,7", "8,12"]);
    expect(await describeSection(app, "3,10")).toEqual([[3, 4, 5, 6, 7], "3,7", "8,12"]);
    expect(await describeSection(app, "3,4")).toEqual([[3, 4], "3,4", "5,6"]);
    expect(await describeSection(app, "3,2")).toEqual([[], null, null]);
    expect(await describeSection(app, "0,2")).toEqual([[1, 2], "1,2", "3,4"]);
  });

  it("selects notifications", async () => {
    const app = track(new Application());
    expect(await app.log.select(1, 10)).toEqual([]);
    await saveEvents(app, 5);
    expect((await app.log.select(1, 5)).map((n) => n.id)).toEqual([1, 2, 3, 4, 5]);
    expect((await app.log.select(1, 5)).map((n) => n.id)).toEqual([1, 2, 3, 4, 5]);
    expect(await app.log.select(6, 5)).toEqual([]);
    await saveEvents(app, 4);
    expect((await app.log.select(6, 5)).map((n) => n.id)).toEqual([6, 7, 8, 9]);
    expect((await app.log.select(3, 5)).map((n) => n.id)).toEqual([3, 4, 5, 6, 7]);
    await expect(app.log.select(1, 20)).rejects.toThrow(
      "Requested limit 20 greater than section size 10",
    );
  });
});
