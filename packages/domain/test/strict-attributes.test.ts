/**
 * Events are written and read strictly against the signatures that apply them: a decorated
 * method, or the aggregate's constructor. Writing refuses a call that would record an
 * incomplete event; reading refuses a recorded event that doesn't fit, naming it, and never
 * makes up a value for a missing attribute.
 */
import { describe, expect, it } from "vitest";
import {
  Aggregate,
  AggregateCreated,
  type AggregateEvent,
  EventAttributesError,
  event,
  getTopic,
  NAMESPACE_URL,
  Snapshot,
  uuid4,
  uuid5,
} from "../src/index.js";

type EventClass = new (attributes: Record<string, unknown>) => AggregateEvent;
const member = (cls: object, name: string) =>
  (cls as Record<string, EventClass>)[name] as EventClass;

class Kennel extends Aggregate {
  tricks: string[] = [];
  names: string[] = [];
  notes: (string | null)[] = [];
  constructor(readonly town: string) {
    super();
  }

  @event("TrickAdded")
  addTrick(trick: string, times = 1) {
    for (let i = 0; i < times; i++) this.tricks.push(trick);
  }

  @event("Named")
  name({ name, note = "none" }: { name: string; note?: string | null }) {
    this.names.push(name);
    this.notes.push(note);
  }
}

function recorded(cls: EventClass, kennel: Kennel, attributes: Record<string, unknown>) {
  return new cls({
    originatorId: kennel.id,
    originatorVersion: kennel.version + 1,
    timestamp: new Date(),
    ...attributes,
  });
}

describe("reading is strict", () => {
  it("refuses a recorded event that lacks an attribute its method needs, naming it", () => {
    const kennel = Kennel.create("Leeds");
    const stored = recorded(member(Kennel, "TrickAdded"), kennel, {});
    let error: unknown;
    try {
      stored.mutate(kennel);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EventAttributesError);
    expect(error).toMatchObject({
      topic: "Kennel.TrickAdded",
      originatorId: kennel.id,
      originatorVersion: 2,
      missing: ["trick"],
      unexpected: [],
    });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Event 'Kennel.TrickAdded' of aggregate ${kennel.id} at version 2 doesn't fit Kennel.addTrick\\(\\): missing attribute 'trick'\\.`,
      ),
    );
    expect(kennel.version).toBe(1);
    expect(kennel.tricks).toEqual([]);
  });

  it("refuses a recorded event with an attribute its method doesn't know", () => {
    const kennel = Kennel.create("Leeds");
    const stored = recorded(member(Kennel, "TrickAdded"), kennel, { trick: "sit", e: "sit" });
    expect(() => stored.mutate(kennel)).toThrow(EventAttributesError);
    expect(() => stored.mutate(kennel)).toThrow("unexpected attribute 'e'");
    const renamed = recorded(member(Kennel, "TrickAdded"), kennel, { e: "sit" });
    expect(() => renamed.mutate(kennel)).toThrow(
      "missing attribute 'trick'; unexpected attribute 'e'",
    );
    expect(kennel.tricks).toEqual([]);
  });

  it("is as strict with the object form", () => {
    const kennel = Kennel.create("Leeds");
    const stored = recorded(member(Kennel, "Named"), kennel, { nom: "Rex" });
    expect(() => stored.mutate(kennel)).toThrow(
      "doesn't fit Kennel.name(): missing attribute 'name'; unexpected attribute 'nom'",
    );
  });

  it("lets a parameter with a default be absent, and passes null as null", () => {
    const kennel = Kennel.create("Leeds");
    recorded(member(Kennel, "TrickAdded"), kennel, { trick: "sit" }).mutate(kennel);
    expect(kennel.tricks).toEqual(["sit"]);
    recorded(member(Kennel, "Named"), kennel, { name: "Rex", note: null }).mutate(kennel);
    recorded(member(Kennel, "Named"), kennel, { name: "Max" }).mutate(kennel);
    expect(kennel.notes).toEqual([null, "none"]);
  });

  it("refuses a created event that doesn't fit the constructor", () => {
    const kennel = Kennel.create("Leeds");
    const [created] = kennel.collectEvents();
    const attributes = { ...created } as Record<string, unknown>;
    const Created = created?.constructor as EventClass;

    const extra = new Created({ ...attributes, owner: "Ann" });
    expect(() => extra.mutate(null)).toThrow(EventAttributesError);
    expect(() => extra.mutate(null)).toThrow(
      `Event 'Kennel.Created' of aggregate ${kennel.id} at version 1 doesn't fit the Kennel constructor: unexpected attribute 'owner'`,
    );
    const { town: _, ...withoutTown } = attributes;
    expect(() => new Created(withoutTown).mutate(null)).toThrow("missing attribute 'town'");
    expect((new Created(attributes).mutate(null) as Kennel).town).toBe("Leeds");
  });
});

describe("writing is strict", () => {
  it("refuses a decorated method called without a required argument, triggering nothing", () => {
    const kennel = Kennel.create("Leeds");
    const addTrick = kennel.addTrick as (...args: unknown[]) => void;
    expect(() => addTrick.call(kennel)).toThrow(
      "addTrick() missing 1 required positional argument: 'trick'",
    );
    expect(() => addTrick.call(kennel, undefined, 2)).toThrow(TypeError);
    expect(kennel.version).toBe(1);
    expect(kennel.pendingEvents).toHaveLength(1);
  });

  it("names every missing argument as the Python original does", () => {
    class Three extends Aggregate {
      @event("Set")
      set(a: number, b: number, c: number) {
        void [a, b, c];
      }
    }
    const three = Three.create();
    const set = three.set as (...args: unknown[]) => void;
    expect(() => set.call(three, 1)).toThrow(
      "set() missing 2 required positional arguments: 'b' and 'c'",
    );
    expect(() => set.call(three)).toThrow(
      "set() missing 3 required positional arguments: 'a', 'b', and 'c'",
    );
  });

  it("records no attribute for an argument left to its default, so replay applies the default", () => {
    const kennel = Kennel.create("Leeds");
    kennel.addTrick("sit");
    kennel.addTrick("beg", undefined);
    const [, first, second] = kennel.collectEvents();
    expect({ ...first }).not.toHaveProperty("times");
    expect({ ...second }).not.toHaveProperty("times");
    expect(kennel.tricks).toEqual(["sit", "beg"]);
  });

  it("refuses, in the object form, properties the pattern doesn't name and missing ones", () => {
    const kennel = Kennel.create("Leeds");
    const name = kennel.name as (...args: unknown[]) => void;
    expect(() => name.call(kennel, { name: "Rex", colour: "brown" })).toThrow(
      "name() got an unexpected property 'colour'",
    );
    expect(() => name.call(kennel, { note: "x" })).toThrow(
      "name() missing 1 required property: 'name'",
    );
    expect(() => name.call(kennel, {})).toThrow("missing 1 required property: 'name'");
    expect(() => name.call(kennel, "Rex")).toThrow("name() takes one object argument, got string");
    expect(() => name.call(kennel, null)).toThrow("missing 1 required property: 'name'");
    expect(kennel.version).toBe(1);
  });

  it("refuses create() without a required constructor argument", () => {
    const create = Kennel.create as (...args: unknown[]) => Kennel;
    expect(() => create.call(Kennel)).toThrow(
      "Kennel.create() missing 1 required positional argument: 'town'",
    );
    class Pair extends Aggregate {
      constructor(
        readonly left: string,
        readonly right = "R",
      ) {
        super();
      }
    }
    expect(Pair.create("L").right).toBe("R");
  });

  it("refuses _create() with attributes the constructor doesn't take, or without ones it needs", () => {
    expect(() => Kennel._create(Kennel.Created, { town: "Leeds", owner: "Ann" })).toThrow(
      "Kennel._create(Kennel.Created): the Kennel constructor takes the created event's attributes, and this one has unexpected 'owner'",
    );
    expect(() => Kennel._create(Kennel.Created, {})).toThrow("this one is missing 'town'");
    expect(() => Aggregate._create(AggregateCreated, { id: uuid4(), extra: 1 })).toThrow(
      "has unexpected 'extra'",
    );
    expect(Kennel._create(Kennel.Created, { town: "York" }).town).toBe("York");
  });

  it("refuses create() when createId() needs an argument the constructor didn't get", () => {
    class Titled extends Aggregate {
      constructor(readonly title: string) {
        super();
      }
      static override createId(slug: string): string {
        return uuid5(NAMESPACE_URL, `/titles/${slug}`);
      }
    }
    expect(() => Titled.create("Hello")).toThrow(
      "Titled.createId() needs 'slug', which Titled.create() doesn't take or wasn't given",
    );
  });
});

describe("reserved names", () => {
  it.each([
    "originatorId",
    "originatorVersion",
    "timestamp",
    "originatorTopic",
    "classVersion",
    "constructor",
    "__proto__",
    "mutate",
    "apply",
    "toString",
  ])("refuses an event attribute named %s at class definition", (name) => {
    const method = new Function(name, "") as (this: unknown, ...args: unknown[]) => void;
    const objectMethod = new Function(`{ ${JSON.stringify(name)}: x }`, "") as typeof method;
    const context = {
      kind: "method",
      name: "link",
      static: false,
      private: false,
      metadata: {},
      addInitializer() {},
    } as unknown as ClassMethodDecoratorContext<unknown, typeof method>;
    expect(() => event("Linked")(method, context)).toThrow(
      `@event can't determine the event attributes of link(): the attribute name '${name}' is reserved`,
    );
    expect(() => event("Linked")(objectMethod, context)).toThrow(
      `the attribute name '${name}' is reserved`,
    );
  });

  it("refuses a constructor parameter named after the event machinery, but takes `id`", () => {
    class Linked extends Aggregate {
      constructor(readonly originatorId: string) {
        super();
      }
    }
    expect(() => Linked.create(uuid4())).toThrow(
      "Linked constructor: the attribute name 'originatorId' is reserved",
    );
    class Versioned extends Aggregate {
      constructor({ classVersion }: { classVersion: number }) {
        super();
        void classVersion;
      }
    }
    expect(() => Versioned.create({ classVersion: 2 })).toThrow(
      "the attribute name 'classVersion' is reserved",
    );
    class WithId extends Aggregate {
      constructor(id: string) {
        super();
        void id;
      }
    }
    // Not `id`: esbuild would rename the constructor's `id` parameter, which it shadows.
    const givenId = uuid4();
    expect(WithId.create(givenId).id).toBe(givenId);
  });
});

describe("snapshots are read strictly too", () => {
  class Safe extends Aggregate {
    contents: string[] = [];
  }

  function snapshotOf(state: Record<string, unknown>) {
    const safe = Safe.create();
    return {
      safe,
      snapshot: new Snapshot({
        originatorId: safe.id,
        originatorVersion: 7,
        timestamp: new Date(),
        topic: getTopic(Safe),
        state: { createdOn: new Date(0), modifiedOn: new Date(1), ...state },
      }),
    };
  }

  it.each([
    ["version", 99],
    ["_internals", { id: "someone else", version: 99 }],
    ["id", "someone else"],
    ["constructor", {}],
    ["toString", "x"],
  ])(
    "refuses a snapshot whose state has the key %s, which belongs to the aggregate machinery",
    (key, value) => {
      const { snapshot } = snapshotOf({ contents: [], [key]: value });
      expect(() => snapshot.mutate()).toThrow(EventAttributesError);
      expect(() => snapshot.mutate()).toThrow(`unexpected attribute '${key}'`);
    },
  );

  it("refuses a snapshot state that would replace the aggregate's prototype", () => {
    const state = JSON.parse('{"__proto__":{"admin":true},"contents":[]}') as Record<
      string,
      unknown
    >;
    const { snapshot } = snapshotOf(state);
    expect(() => snapshot.mutate()).toThrow("unexpected attribute '__proto__'");
  });

  it("restores an honest snapshot", () => {
    const { safe, snapshot } = snapshotOf({ contents: ["gold"] });
    const restored = snapshot.mutate<Safe>();
    expect(restored.contents).toEqual(["gold"]);
    expect([restored.id, restored.version]).toEqual([safe.id, 7]);
    expect(restored).toBeInstanceOf(Safe);
  });
});
