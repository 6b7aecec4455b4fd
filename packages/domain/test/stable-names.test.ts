/**
 * What is stored (topics, attribute names) never depends on identifiers a compiler may have
 * renamed: names come from strings and property keys, and where a name was derived from an
 * identifier with signs of renaming, the library refuses (or warns, where a person may have
 * chosen that name) before anything is recorded. Minified classes are written here as a
 * minifier prints them, through `new Function`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  Aggregate,
  AggregateEvent,
  aggregate,
  type EventDecorator,
  event,
  getTopic,
  registerTopic,
  resolveTopic,
  Snapshot,
  TopicError,
} from "../src/index.js";

/** Evaluates `source` as a minifier's output, with `A` bound to the `Aggregate` class. */
function minified<T = typeof Aggregate>(source: string): T {
  return new Function("A", `return ${source}`)(Aggregate) as T;
}

type Method = (this: unknown, ...args: unknown[]) => void;

/** Applies `@event(...)` to a method as compiled code does, for classes made by `new Function`. */
function decorate(cls: typeof Aggregate, methodName: string, decorator: EventDecorator) {
  const metadata: Record<symbol, unknown> = Object.create(null);
  const method = (cls.prototype as unknown as Record<string, Method>)[methodName] as Method;
  const replacement = decorator(method, {
    kind: "method",
    name: methodName,
    static: false,
    private: false,
    metadata,
    access: { has: () => true, get: () => method },
    addInitializer: () => {},
  } as unknown as ClassMethodDecoratorContext<unknown, Method>);
  Object.defineProperty(cls.prototype, methodName, { value: replacement, configurable: true });
  const metadataKey = (Symbol as { metadata?: symbol }).metadata ?? Symbol.for("Symbol.metadata");
  Object.defineProperty(cls, metadataKey, { value: metadata });
}

describe("stable names", () => {
  let warnings: string[] = [];
  beforeEach(() => {
    warnings = [];
    vi.spyOn(process, "emitWarning").mockImplementation((warning, options) => {
      const code = typeof options === "object" ? options.code : undefined;
      if (code === "ES_UNSTABLE_NAME") warnings.push(String(warning));
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("gives the library's own classes fixed topics, whatever their identifiers", () => {
    expect(getTopic(Aggregate)).toBe("Aggregate");
    expect(getTopic(Aggregate.Created)).toBe("Aggregate.Created");
    expect(getTopic(Aggregate.Event)).toBe("Aggregate.Event");
    expect(getTopic(Snapshot)).toBe("Snapshot");
  });

  it("refuses a topic derived from the name of a class a minifier renamed", () => {
    const Mangled = minified("class l extends A{}");
    expect(() => getTopic(Mangled)).toThrow(TopicError);
    expect(() => Mangled.create()).toThrow(
      /^Can't derive a topic from the name of class 'l': the code was minified, so its name is not the one written .* @aggregate\("Name"\)/,
    );
  });

  it("takes a topic given as a string, and attribute names from object keys, in minified code", () => {
    const Dog = minified<typeof Aggregate & { create(a: { name: string }): Aggregate }>(
      "class l extends A{constructor({name:e}){super(),this.name=e}addTrick({trick:e}){(this.tricks??=[]).push(e)}}",
    );
    decorate(Dog, "addTrick", event("TrickAdded"));
    registerTopic("MinifiedDog", Dog);
    const dog = Dog.create({ name: "Fido" }) as Aggregate & {
      addTrick(a: { trick: string }): void;
      tricks: string[];
    };
    dog.addTrick({ trick: "sit" });
    const [created, added] = dog.collectEvents();
    expect(getTopic(created?.constructor as typeof AggregateEvent)).toBe("MinifiedDog.Created");
    expect(getTopic(added?.constructor as typeof AggregateEvent)).toBe("MinifiedDog.TrickAdded");
    expect({ ...created }).toMatchObject({ name: "Fido", originatorTopic: "MinifiedDog" });
    expect({ ...added }).toMatchObject({ trick: "sit" });
  });

  it("refuses positional parameters in a class a minifier renamed, before anything is recorded", () => {
    const Cat = minified("class l extends A{constructor(e){super(),this.name=e}}");
    expect(() => registerTopic("MinifiedCat", Cat)).toThrow(
      /^l constructor: the code was minified \(class 'l', parameters 'e'\), so its parameter names are not the ones written\. .*take one destructured object parameter/,
    );
    expect(() => (Cat.create as (name: string) => Aggregate)("Tom")).toThrow(
      "l constructor: the code was minified",
    );

    const Parrot = minified("class l extends A{addWord(e){this.words=[e]}}");
    decorate(Parrot, "addWord", event("WordAdded"));
    expect(() => registerTopic("MinifiedParrot", Parrot)).toThrow(
      "l.addWord(): the code was minified (class 'l', parameters 'e')",
    );

    // A decorated class keeps its name when minified (the decorator is given it as a string).
    const Hamster = minified("class Hamster extends A{constructor(e){super()}addSeed(n,t){}}");
    decorate(Hamster, "addSeed", event("SeedAdded"));
    expect(() => getTopic(Hamster)).toThrow(
      "Hamster constructor: the code was minified (class 'Hamster', parameters 'e', 'n', and 't')",
    );
  });

  it("trusts names in code whose whitespace alone was stripped (as tsx emits it)", () => {
    const Stripped = minified<typeof Aggregate & { create(name: string): { name: string } }>(
      "class StrippedDog extends A{constructor(name){super(),this.name=name}}",
    );
    expect(Stripped.create("Rex").name).toBe("Rex");
    expect(getTopic(Stripped)).toBe("StrippedDog");
    expect(warnings).toEqual([]);
  });

  it("refuses positional names a bundler renamed, at class definition", () => {
    const Renamed = minified("class Renamed extends A{addTrick(trick2){}}");
    expect(() => decorate(Renamed, "addTrick", event("TrickAdded"))).toThrow(
      "@event can't determine the event attributes of addTrick(): parameter 'trick2' ends in a number",
    );
  });

  it("warns where a class's name is numbered like a bundler's rename, once, and not where a topic was given", () => {
    class Oy extends Aggregate {}
    class Walrus2 extends Aggregate {}
    class OrderV2 extends Aggregate {}
    @aggregate("Yak")
    class Yk2 extends Aggregate {}
    getTopic(Oy);
    getTopic(Walrus2);
    getTopic(Walrus2);
    getTopic(OrderV2);
    getTopic(Yk2);
    expect(getTopic(Oy)).toBe("Oy");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Class 'Walrus2' gives a topic derived from its name, which looks like one a bundler made \(numbered/,
    );
  });

  it("trusts short class and parameter names in code tsx compiled (whitespace stripped, helpers named)", () => {
    // As tsx prints `class Ox extends Aggregate { constructor(a, b) {...} }` and an @event class.
    const __name = (target: object, value: string) =>
      Object.defineProperty(target, "name", { value, configurable: true });
    const Ox = new Function(
      "A",
      "__name",
      'return class Ox extends A{static{__name(this,"Ox")}constructor(x,y){super();this.at=[x,y]}move(x,y){this.at=[x,y]}}',
    )(Aggregate, __name) as typeof Aggregate & { create(x: number, y: number): { at: number[] } };
    decorate(Ox, "move", event("Moved"));
    const ox = Ox.create(1, 2) as unknown as { at: number[]; move(x: number, y: number): void };
    ox.move(3, 4);
    expect(ox.at).toEqual([3, 4]);
    expect(getTopic(Ox)).toBe("Ox");
    expect(warnings).toEqual([]);
  });

  it("attaches a given event class under the key it is nested at, or its trusted name", () => {
    const Confirmed = minified<typeof AggregateEvent>("class e extends A.Event{}");
    class Shop extends Aggregate {
      static Confirmed = Confirmed;
      @event(Confirmed)
      confirm() {}
    }
    expect(getTopic(Shop)).toBe("Shop");
    expect(getTopic(Confirmed)).toBe("Shop.Confirmed");

    const Shipped = minified<typeof AggregateEvent>("class t extends A.Event{}");
    class Depot extends Aggregate {
      @event(Shipped)
      ship() {}
    }
    expect(() => Depot.create()).toThrow(
      "Can't derive a topic from the name of class 't': the code was minified",
    );
  });

  it("has @event classes on the class from its definition, before any other use", () => {
    class Early extends Aggregate {
      @event("Woke")
      wake() {}
    }
    class LaterChild extends Early {}
    const Woke = (Early as unknown as Record<string, typeof AggregateEvent>).Woke;
    expect(Woke?.name).toBe("Woke");
    expect(getTopic(Woke as typeof AggregateEvent)).toBe("Early.Woke");
    expect((LaterChild as unknown as Record<string, unknown>).Woke).toBe(Woke);
    expect(resolveTopic("Early.Woke")).toBe(Woke);
  });

  it("shares topics between copies of this package loaded in one process", async () => {
    // @ts-expect-error: a second instance of the module, as a bundle beside an installed copy
    const copy: typeof import("../src/topics.js") = await import("../src/topics.js?copy");
    class Ferret extends Aggregate {}
    expect(copy.getTopic(Ferret)).toBe("Ferret");
    expect(copy.resolveTopic("Ferret")).toBe(Ferret);
    expect(copy.resolveTopic("Snapshot")).toBe(Snapshot);
  });
});

describe("registering is all or nothing", () => {
  it("leaves the topic of a class refused while registering free for the corrected class", () => {
    class Broken extends Aggregate {
      @event("Confirmed")
      confirm() {}
      @event("Confirmed")
      reconfirm() {}
    }
    expect(() => registerTopic("AllOrNothingOrder", Broken)).toThrow(
      "Confirmed event already defined on Broken",
    );
    expect(() => resolveTopic("AllOrNothingOrder")).toThrow(TopicError);

    class Fixed extends Aggregate {
      @event("Confirmed")
      confirm() {}
    }
    expect(registerTopic("AllOrNothingOrder", Fixed)).toBe("AllOrNothingOrder");
    expect(resolveTopic("AllOrNothingOrder")).toBe(Fixed);
    expect(getTopic((Fixed as unknown as { Confirmed: object }).Confirmed as never)).toBe(
      "AllOrNothingOrder.Confirmed",
    );
  });

  it("leaves the topic free when an @aggregate class is refused at definition", () => {
    expect(() => {
      @aggregate("AllOrNothingDecorated")
      class BrokenDecorated extends Aggregate {
        @event("Shipped")
        ship() {}
        @event("Shipped")
        reship() {}
      }
      return BrokenDecorated;
    }).toThrow("Shipped event already defined on BrokenDecorated");

    @aggregate("AllOrNothingDecorated")
    class FixedDecorated extends Aggregate {
      @event("Shipped")
      ship() {}
    }
    expect(resolveTopic("AllOrNothingDecorated")).toBe(FixedDecorated);
    expect(FixedDecorated.create().version).toBe(1);
  });

  it("unregisters the nested event classes of a class refused after they registered", () => {
    // The second nested event's topic is another class's: the first nested one is let go too.
    class Squatter {}
    registerTopic("AllOrNothingPartial.Second", Squatter);
    class Partial extends Aggregate {
      static First = class First extends AggregateEvent {};
      static Second = class Second extends AggregateEvent {};
    }
    expect(() => registerTopic("AllOrNothingPartial", Partial)).toThrow(TopicError);
    expect(() => resolveTopic("AllOrNothingPartial")).toThrow(TopicError);
    expect(() => resolveTopic("AllOrNothingPartial.First")).toThrow(TopicError);
    expect(resolveTopic("AllOrNothingPartial.Second")).toBe(Squatter);
  });
});
