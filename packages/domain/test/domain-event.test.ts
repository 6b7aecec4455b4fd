/** Domain events: frozen value objects. */
import { describe, expect, it } from "vitest";
import {
  Aggregate,
  AggregateCreated,
  AggregateEvent,
  attributesOf,
  createTimestamp,
  DomainEvent,
  uuid4,
} from "../src/index.js";

describe("domain events", () => {
  it("expose originator id, version and timestamp", () => {
    const id = uuid4();
    const timestamp = new Date();
    const e = new DomainEvent({ originatorId: id, originatorVersion: 101, timestamp });
    expect(e.originatorId).toBe(id);
    expect(e.originatorVersion).toBe(101);
    expect(e.timestamp).toBe(timestamp);
  });

  it("are frozen", () => {
    const e = new DomainEvent({
      originatorId: uuid4(),
      originatorVersion: 1,
      timestamp: new Date(),
    });
    expect(Object.isFrozen(e)).toBe(true);
    expect(() => {
      (e as { originatorVersion: number }).originatorVersion = 2;
    }).toThrow(TypeError);
    expect(e.originatorVersion).toBe(1);
  });

  it("subclasses declare extra attributes and construct with them", () => {
    class FullNameSet extends DomainEvent {
      declare readonly fullName: string;
    }
    for (const version of [0, 1]) {
      const e = new FullNameSet({
        originatorId: uuid4(),
        originatorVersion: version,
        timestamp: new Date(),
        fullName: "Alice",
      });
      expect(e.fullName).toBe("Alice");
      expect(e.originatorVersion).toBe(version);
      expect(attributesOf(e)).toEqual({ fullName: "Alice" });
      expect(Object.isFrozen(e)).toBe(true);
    }
  });

  it("aggregate events need an aggregate to mutate", () => {
    const e = new AggregateEvent({
      originatorId: uuid4(),
      originatorVersion: 2,
      timestamp: new Date(),
    });
    expect(() => e.mutate(null)).toThrow("Aggregate.Event needs an aggregate to mutate, got null");
  });

  it("timestamps are UTC Dates that never go backwards", () => {
    const now = createTimestamp();
    expect(now).toBeInstanceOf(Date);
    const later = new Date(now.getTime() + 10_000);
    expect(createTimestamp(later)).toEqual(later);
    expect(createTimestamp(new Date(0)).getTime()).toBeGreaterThanOrEqual(now.getTime());
  });
});

describe("attributes that would change what an event is", () => {
  class Parcel extends Aggregate {
    label = "";
    static Labelled = class Labelled extends AggregateEvent {
      declare readonly label: string;
      override apply(parcel: Parcel) {
        parcel.label = this.label;
      }
    };
  }

  it("refuses an own '__proto__' key (as JSON.parse makes it) by name, not with a broken event later", () => {
    const parcel = Parcel._create(AggregateCreated, {});
    const hostile = JSON.parse('{"__proto__": {"mutate": 1}, "label": "x"}');
    expect(() => parcel.triggerEvent(Parcel.Labelled, hostile)).toThrow(/Labelled.*'__proto__'/);
    expect(() => parcel.triggerEvent(Parcel.Labelled, hostile)).toThrow(TypeError);
    expect(parcel.version).toBe(1);
    expect(parcel.pendingEvents).toHaveLength(1);
    // A created event's attributes are the constructor's: the key is refused as unexpected there.
    expect(() => Parcel._create(AggregateCreated, hostile)).toThrow(
      /Parcel._create.*unexpected '__proto__'/,
    );
  });

  it("refuses keys the event inherits (constructor, mutate, apply) rather than letting them shadow it", () => {
    const parcel = Parcel._create(AggregateCreated, {});
    for (const key of ["constructor", "mutate", "apply", "toString"]) {
      expect(() => parcel.triggerEvent(Parcel.Labelled, { label: "x", [key]: 1 } as never)).toThrow(
        new RegExp(`Labelled.*'${key}'`),
      );
    }
    expect(parcel.version).toBe(1);
  });

  it("refuses them when the event is constructed directly, too", () => {
    const hostile = JSON.parse(
      '{"__proto__": {}, "originatorId": "a", "originatorVersion": 1, "timestamp": 0}',
    );
    expect(() => new DomainEvent(hostile)).toThrow(
      "DomainEvent can't take the attribute '__proto__'",
    );
  });
});
