/**
 * Versioning: classVersion and upcastVnVm on event and
 * aggregate classes; recorded state is brought forward one version at a time.
 */
import { describe, expect, it } from "vitest";
import {
  Aggregate,
  AggregateCreated,
  AggregateEvent,
  attributesOf,
  CLASS_VERSION_KEY,
  classVersionOf,
  getTopic,
  Snapshot,
  upcast,
  uuid4,
} from "../src/index.js";

type State = Record<string, unknown>;

/** Version 1: Created carries `a`. */
class MyAggregateV1 extends Aggregate {
  constructor(readonly a: string) {
    super();
  }
}

/** Version 3: Created carries a, b and c; both classes upcast older state. */
class MyAggregateV3 extends Aggregate {
  static override classVersion = 3;
  static upcastV1V2(state: State) {
    state.b = 0;
  }
  static upcastV2V3(state: State) {
    state.c = 0.0;
  }

  static override Created = class Created extends AggregateCreated {
    declare readonly a: string;
    declare readonly b: number;
    declare readonly c: number;
    static classVersion = 3;
    static upcastV1V2(state: State) {
      state.b = 0;
    }
    static upcastV2V3(state: State) {
      state.c = 0.0;
    }
  };

  constructor(
    readonly a: string,
    readonly b = 0,
    readonly c = 0.0,
  ) {
    super();
  }
}

/** Version 4: a new attribute initialised in the constructor; only snapshots need upcasting. */
class MyAggregateV4 extends Aggregate {
  static override classVersion = 4;
  static upcastV1V2(state: State) {
    state.b = 0;
  }
  static upcastV2V3(state: State) {
    state.c = 0.0;
  }
  static upcastV3V4(state: State) {
    state.d = false;
  }

  static override Created = MyAggregateV3.Created;

  static DUpdated = class DUpdated extends AggregateEvent {
    declare readonly d: boolean;
    override apply(aggregate: MyAggregateV4): void {
      aggregate.d = this.d;
    }
  };

  d = false;

  constructor(
    readonly a: string,
    readonly b = 0,
    readonly c = 0.0,
  ) {
    super();
  }

  setD(d: boolean): void {
    this.triggerEvent(MyAggregateV4.DUpdated, { d });
  }
}

/** What a mapper would have recorded for an event: its attributes plus the class version. */
function recordedState(event: AggregateEvent): State {
  const state: State = { ...attributesOf(event), timestamp: event.timestamp };
  const version = classVersionOf(event.constructor);
  if (version > 1) state[CLASS_VERSION_KEY] = version;
  return state;
}

describe("upcasting events", () => {
  it("brings a version 1 created event forward to version 3", () => {
    const [v1Created] = MyAggregateV1.create("text").collectEvents();
    if (!v1Created) throw new Error("no event");
    const state = recordedState(v1Created);
    expect(state).not.toHaveProperty(CLASS_VERSION_KEY);

    const upcast3 = upcast(MyAggregateV3.Created, state);
    expect(upcast3).toMatchObject({ a: "text", b: 0, c: 0 });
    expect(upcast3).not.toHaveProperty(CLASS_VERSION_KEY);

    const created = new MyAggregateV3.Created({
      ...upcast3,
      originatorId: v1Created.originatorId,
      originatorVersion: v1Created.originatorVersion,
      timestamp: v1Created.timestamp,
      originatorTopic: getTopic(MyAggregateV3),
    });
    const aggregate = created.mutate(null) as MyAggregateV3;
    expect(aggregate).toBeInstanceOf(MyAggregateV3);
    expect([aggregate.a, aggregate.b, aggregate.c]).toEqual(["text", 0, 0]);
  });

  it("brings a version 2 event forward one step only", () => {
    const state = upcast(MyAggregateV3.Created, { a: "x", b: 7, [CLASS_VERSION_KEY]: 2 });
    expect(state).toEqual({ a: "x", b: 7, c: 0 });
  });

  it("records the class version of new events above 1", () => {
    const [created] = MyAggregateV3.create("x", 1, 2).collectEvents();
    if (!created) throw new Error("no event");
    expect(recordedState(created)[CLASS_VERSION_KEY]).toBe(3);
    // Current state needs no upcasting.
    expect(upcast(MyAggregateV3.Created, recordedState(created))).toMatchObject({
      a: "x",
      b: 1,
      c: 2,
    });
  });

  it("lets an upcaster return a replacement object", () => {
    class Replacing extends AggregateEvent {
      static classVersion = 2;
      static upcastV1V2(state: State): State {
        return { renamed: state.old };
      }
    }
    expect(upcast(Replacing, { old: 1 })).toEqual({ renamed: 1 });
  });

  it("names a missing upcaster and refuses state from a newer class version", () => {
    class Gap extends AggregateEvent {
      static classVersion = 3;
      static upcastV1V2(state: State) {
        state.b = 0;
      }
    }
    expect(() => upcast(Gap, {})).toThrow(
      "Gap has classVersion 3 but no static upcastV2V3() to upcast recorded state from version 2",
    );
    expect(() => upcast(MyAggregateV1, { [CLASS_VERSION_KEY]: 2 })).toThrow(
      "MyAggregateV1 is at class version 1 but the recorded state is from version 2",
    );
  });
});

describe("upcasting snapshots", () => {
  function v1Snapshot(): Snapshot {
    const v1 = MyAggregateV1.create("text");
    const snapshot = Snapshot.take(v1);
    expect(snapshot.state).not.toHaveProperty(CLASS_VERSION_KEY);
    // The same stored snapshot, read after the class was redeployed at version 4.
    return new Snapshot({ ...snapshot, topic: getTopic(MyAggregateV4) });
  }

  it("records the aggregate's class version in the snapshot state", () => {
    const snapshot = Snapshot.take(MyAggregateV4.create("x"));
    expect(snapshot.state[CLASS_VERSION_KEY]).toBe(4);
    const copy = snapshot.mutate<MyAggregateV4>();
    expect(copy).not.toHaveProperty(CLASS_VERSION_KEY);
    expect(copy.d).toBe(false);
  });

  it("brings a version 1 snapshot forward to version 4", () => {
    const copy = v1Snapshot().mutate<MyAggregateV4>();
    expect(copy).toBeInstanceOf(MyAggregateV4);
    expect([copy.a, copy.b, copy.c, copy.d]).toEqual(["text", 0, 0, false]);
    copy.setD(true);
    expect(copy.d).toBe(true);
    expect(copy.version).toBe(2);
  });

  it("brings a version 3 snapshot forward with only upcastV3V4", () => {
    const snapshot = new Snapshot({
      originatorId: uuid4(),
      originatorVersion: 5,
      timestamp: new Date(),
      topic: getTopic(MyAggregateV4),
      state: {
        a: "a",
        b: 1,
        c: 2,
        createdOn: new Date(0),
        modifiedOn: new Date(1),
        [CLASS_VERSION_KEY]: 3,
      },
    });
    const copy = snapshot.mutate<MyAggregateV4>();
    expect([copy.a, copy.b, copy.c, copy.d]).toEqual(["a", 1, 2, false]);
    expect(copy.version).toBe(5);
    expect(copy.createdOn).toEqual(new Date(0));
    expect(copy.modifiedOn).toEqual(new Date(1));
  });

  it("leaves created events of version 3 alone when only the aggregate class moves to 4", () => {
    const [created] = MyAggregateV4.create("x", 1, 2).collectEvents();
    if (!created) throw new Error("no event");
    expect(classVersionOf(created.constructor)).toBe(3);
    expect(recordedState(created)[CLASS_VERSION_KEY]).toBe(3);
  });
});
