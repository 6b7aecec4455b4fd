import { describe, expect, it } from "vitest";
import {
  Aggregate,
  AggregateCreated,
  AggregateEvent,
  event,
  getTopic,
  type MutableAggregate,
  Snapshot,
} from "../src/index.js";

/** Seed 1.4.3: the basic example, explicit style. */
class World extends Aggregate {
  history: string[] = [];

  static override Created = class Created extends AggregateCreated {};

  static SomethingHappened = class SomethingHappened extends AggregateEvent {
    declare readonly what: string;
    override apply(world: World): void {
      world.history.push(this.what);
    }
  };

  static make(): World {
    return World._create(World.Created);
  }

  makeItSo(what: string): void {
    this.triggerEvent(World.SomethingHappened, { what });
  }
}

/** Seed 1.4.9: the same World, declarative. */
class DeclarativeWorld extends Aggregate {
  /** Attached on first use; `declare` gives it a type without emitting a field. */
  declare static readonly SomethingHappened: typeof AggregateEvent;
  history: string[] = [];

  @event("SomethingHappened")
  makeItSo(what: string) {
    this.history.push(what);
  }
}

function replay<A>(events: readonly AggregateEvent[]): A {
  let copy: MutableAggregate | null | undefined = null;
  for (const e of events) copy = e.mutate(copy);
  return copy as A;
}

describe("World, explicit event classes", () => {
  it("creates, triggers, collects and reconstructs", () => {
    const world = World.make();
    expect(world).toBeInstanceOf(World);
    expect(world.createdOn).toEqual(world.modifiedOn);
    expect(world.createdOn).toBeInstanceOf(Date);
    expect(world.version).toBe(1);

    world.makeItSo("dinosaurs");
    world.makeItSo("trucks");
    world.makeItSo("internet");
    expect(world.history).toEqual(["dinosaurs", "trucks", "internet"]);
    expect(world.modifiedOn.getTime()).toBeGreaterThanOrEqual(world.createdOn.getTime());
    expect(world.version).toBe(4);
    expect(world.pendingEvents).toHaveLength(4);

    const pending = world.collectEvents();
    expect(pending).toHaveLength(4);
    expect(world.pendingEvents).toHaveLength(0);
    expect(pending[0]).toBeInstanceOf(World.Created);
    expect(pending[1]).toBeInstanceOf(World.SomethingHappened);
    expect((pending[3] as InstanceType<typeof World.SomethingHappened>).what).toBe("internet");
    expect(pending[0]?.timestamp).toEqual(world.createdOn);
    expect(pending[3]?.timestamp).toEqual(world.modifiedOn);

    const copy = replay<World>(pending);
    expect(copy).toBeInstanceOf(World);
    expect(copy.id).toBe(world.id);
    expect(copy.version).toBe(world.version);
    expect(copy.createdOn).toEqual(world.createdOn);
    expect(copy.modifiedOn).toEqual(world.modifiedOn);
    expect(copy.history).toEqual(world.history);
    expect(copy.equals(world)).toBe(true);
  });

  it("takes and restores snapshots", () => {
    const world = World.make();
    world.makeItSo("dinosaurs");
    const snapshot = Snapshot.take(world);
    expect(snapshot).toBeInstanceOf(Snapshot);
    expect(snapshot.originatorId).toBe(world.id);
    expect(snapshot.originatorVersion).toBe(world.version);
    expect(snapshot.topic).toBe(getTopic(World));
    expect(snapshot.state.history).toEqual(world.history);
    expect(snapshot.state.createdOn).toEqual(world.createdOn);
    expect(snapshot.state.modifiedOn).toEqual(world.modifiedOn);
    expect(Object.keys(snapshot.state)).toHaveLength(3);

    const copy = snapshot.mutate<World>(null);
    expect(copy).toBeInstanceOf(World);
    expect(copy.equals(world)).toBe(true);
    expect(copy.pendingEvents).toHaveLength(0);
  });
});

describe("World, declarative", () => {
  it("creates without a factory and derives SomethingHappened from the method", () => {
    const world = DeclarativeWorld.create();
    world.makeItSo("dinosaurs");
    world.makeItSo("trucks");
    world.makeItSo("internet");
    expect(world.history).toEqual(["dinosaurs", "trucks", "internet"]);
    const pending = world.collectEvents();
    expect(pending).toHaveLength(4);
    expect(pending[1]).toBeInstanceOf(DeclarativeWorld.SomethingHappened);
    expect(pending[1]?.constructor.name).toBe("SomethingHappened");
    expect((pending[1] as unknown as { what: string }).what).toBe("dinosaurs");
    expect(getTopic(DeclarativeWorld.SomethingHappened)).toBe("DeclarativeWorld.SomethingHappened");
    const copy = replay<DeclarativeWorld>(pending);
    expect(copy.history).toEqual(world.history);
    expect(copy.equals(world)).toBe(true);
  });
});
