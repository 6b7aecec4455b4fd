/**
 * Topics, UUIDs, strtobool and retry, and the
 * parameter reader behind the declarative syntax.
 */
import { describe, expect, it } from "vitest";
import { looksMangled, looksMinified, looksRenamed } from "../src/identifiers.js";
import {
  Aggregate,
  AggregateEvent,
  getTopic,
  hasTopic,
  isUuid,
  NAMESPACE_DNS,
  NAMESPACE_URL,
  parseUuid,
  registerTopic,
  resolveTopic,
  retry,
  Snapshot,
  strtobool,
  TopicError,
  uuid4,
  uuid5,
} from "../src/index.js";
import { constructorParameters, functionParameters } from "../src/parameters.js";

describe("topics", () => {
  it("are class names, and Owner.Member for nested event classes", () => {
    class Planet extends Aggregate {
      static Orbited = class Orbited extends AggregateEvent {};
    }
    expect(getTopic(Planet)).toBe("Planet");
    expect(getTopic(Planet.Orbited)).toBe("Planet.Orbited");
    expect(resolveTopic("Planet")).toBe(Planet);
    expect(resolveTopic("Planet.Orbited")).toBe(Planet.Orbited);
    expect(getTopic(Aggregate)).toBe("Aggregate");
    expect(getTopic(Aggregate.Created)).toBe("Aggregate.Created");
    expect(getTopic(Snapshot)).toBe("Snapshot");
  });

  it("the first registered topic is the class's; later ones are aliases for renamed classes", () => {
    class Moon extends Aggregate {
      static Waxed = class Waxed extends AggregateEvent {};
    }
    expect(registerTopic("astronomy.Moon", Moon)).toBe("astronomy.Moon");
    expect(registerTopic("OldMoon", Moon)).toBe("astronomy.Moon");
    expect(getTopic(Moon)).toBe("astronomy.Moon");
    expect(getTopic(Moon.Waxed)).toBe("astronomy.Moon.Waxed");
    expect(resolveTopic("OldMoon")).toBe(Moon);
    // An old topic of a nested class resolves through the owner's alias.
    expect(resolveTopic("OldMoon.Waxed")).toBe(Moon.Waxed);
    expect(hasTopic("OldMoon.Waxed")).toBe(true);
  });

  it("refuses two classes claiming one topic", () => {
    const first = class Comet {};
    const second = class Comet {};
    expect(getTopic(first)).toBe("Comet");
    expect(() => getTopic(second)).toThrow(TopicError);
    expect(() => getTopic(second)).toThrow(
      "Topic 'Comet' is already registered for another class named 'Comet'",
    );
    expect(() => registerTopic("Comet", second)).toThrow(TopicError);
    expect(registerTopic("Comet", first)).toBe("Comet");
  });

  it("fails clearly on topics that name nothing", () => {
    expect(hasTopic("Nowhere")).toBe(false);
    expect(() => resolveTopic("Nowhere")).toThrow(TopicError);
    expect(() => resolveTopic("Nowhere")).toThrow("Failed to resolve topic 'Nowhere'");
    expect(() => resolveTopic("Planet.Nothing")).toThrow(
      "Failed to resolve topic 'Planet.Nothing'",
    );
    expect(() => registerTopic("", class Empty {})).toThrow(TopicError);
    expect(() => getTopic(Object.defineProperty(() => {}, "name", { value: "" }))).toThrow(
      "An anonymous class has no name to derive a topic from",
    );
  });
});

describe("uuids", () => {
  it("makes random version 4 ids", () => {
    const id = uuid4();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe("4");
    expect(uuid4()).not.toBe(id);
  });

  it("makes version 5 ids as Python's uuid5 does", () => {
    // Python: str(uuid5(NAMESPACE_URL, "/pages/Earth")), str(uuid5(NAMESPACE_DNS, "python.org"))
    expect(uuid5(NAMESPACE_DNS, "python.org")).toBe("886313e1-3b8a-5372-9b90-0c9aee199e5d");
    const id = uuid5(NAMESPACE_URL, "/pages/Earth");
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe("5");
    expect(uuid5(NAMESPACE_URL, "/pages/Earth")).toBe(id);
    expect(uuid5(NAMESPACE_URL, "/pages/Erth")).not.toBe(id);
  });

  it("validates and parses uuid strings", () => {
    expect(isUuid("not a uuid")).toBe(false);
    expect(isUuid(uuid4().toUpperCase())).toBe(false);
    expect(isUuid(42)).toBe(false);
    expect(parseUuid(NAMESPACE_URL)).toHaveLength(16);
    expect(() => parseUuid("xyz")).toThrow('Not a UUID: "xyz"');
  });
});

describe("strtobool", () => {
  it.each(["y", "yes", "t", "true", "on", "1", "YES", "True"])("reads %s as true", (value) => {
    expect(strtobool(value)).toBe(true);
  });
  it.each(["n", "no", "f", "false", "off", "0", "NO", "False"])("reads %s as false", (value) => {
    expect(strtobool(value)).toBe(false);
  });
  it("refuses other strings with RangeError, non-strings with TypeError", () => {
    expect(() => strtobool("maybe")).toThrow(RangeError);
    expect(() => strtobool("maybe")).toThrow("invalid truth value 'maybe'");
    expect(() => strtobool("")).toThrow(RangeError);
    for (const value of [null, undefined, true, false, 1, 2, 3]) {
      expect(() => strtobool(value as unknown as string)).toThrow(TypeError);
    }
  });
});

describe("retry", () => {
  class Flaky extends Error {}
  class Other extends Error {}

  function failing(times: number, error: () => Error = () => new Flaky()) {
    let calls = 0;
    const fn = async () => {
      calls++;
      if (calls <= times) throw error();
      return calls;
    };
    return { fn, calls: () => calls };
  }

  it("does not retry by default", async () => {
    const { fn, calls } = failing(1);
    await expect(retry(fn)()).rejects.toBeInstanceOf(Flaky);
    expect(calls()).toBe(1);
  });

  it("retries up to maxAttempts, then rethrows", async () => {
    const once = failing(1);
    await expect(retry(once.fn, { errors: Flaky, maxAttempts: 2 })()).resolves.toBe(2);
    const twice = failing(2);
    await expect(retry(twice.fn, { errors: [Flaky], maxAttempts: 2 })()).rejects.toBeInstanceOf(
      Flaky,
    );
    expect(twice.calls()).toBe(2);
  });

  it("retries only the given error classes", async () => {
    const other = failing(1, () => new Other());
    await expect(retry(other.fn, { errors: Flaky, maxAttempts: 3 })()).rejects.toBeInstanceOf(
      Other,
    );
    expect(other.calls()).toBe(1);
  });

  it("waits between attempts and stalls before the first", async () => {
    const waited = failing(1);
    await expect(retry(waited.fn, { maxAttempts: 2, wait: 0.001 })()).resolves.toBe(2);
    const stalled = failing(1);
    await expect(retry(stalled.fn, { maxAttempts: 2, stall: 0.001 })()).resolves.toBe(2);
  });

  it("checks its options at once", () => {
    const fn = async () => 1;
    expect(() => retry(fn, { errors: 1 as unknown as typeof Error })).toThrow(TypeError);
    expect(() => retry(fn, { errors: [Flaky, 1 as unknown as typeof Error] })).toThrow(TypeError);
    expect(() => retry(fn, { maxAttempts: "2" as unknown as number })).toThrow(
      "retry: maxAttempts must be a positive integer",
    );
    expect(() => retry(fn, { wait: "1" as unknown as number })).toThrow("retry: wait must be");
    expect(() => retry(fn, { stall: "1" as unknown as number })).toThrow("retry: stall must be");
  });
});

describe("reading parameter names", () => {
  it("reads plain, defaulted, commented and destructured parameters", () => {
    function plain(a: number, b = "x, y", /* c */ c = [1, 2], d = { e: (f: number) => f }) {
      return [a, b, c, d];
    }
    expect(functionParameters(plain, "plain()")).toEqual({
      kind: "positional",
      names: ["a", "b", "c", "d"],
      optional: new Set(["b", "c", "d"]),
    });
    function destructured({ a, b = 2, "c-d": cd, e: renamed = 1 }: Record<string, unknown>) {
      return [a, b, cd, renamed];
    }
    expect(functionParameters(destructured, "destructured()")).toEqual({
      kind: "object",
      names: ["a", "b", "c-d", "e"],
      optional: new Set(["b", "e"]),
    });
    expect(functionParameters((x: number) => x, "arrow")).toEqual({
      kind: "positional",
      names: ["x"],
      optional: new Set(),
    });
    expect(functionParameters((x: number, y: number) => x + y, "arrow")).toEqual({
      kind: "positional",
      names: ["x", "y"],
      optional: new Set(),
    });
  });

  it("refuses positional names a bundler renamed (a number appended), never the object form", () => {
    const label = "label";
    // esbuild renames this parameter, which shadows the outer `label`, to `label2`.
    function shadowing(label: string) {
      return label;
    }
    expect(() => functionParameters(shadowing, "shadowing()")).toThrow(
      /^shadowing\(\): parameter 'label2' ends in a number, as parameters renamed by bundlers do .* take one destructured object parameter instead \(e\.g\. `\(\{ label \}\)`\)/,
    );
    expect(
      functionParameters(({ label }: { label: string }) => label, "destructured()").names,
    ).toEqual(["label"]);
    expect(label).toBe("label");
    expect(() => functionParameters(new Function("name$1", "return 1"), "rollup()")).toThrow(
      "parameter 'name$1' ends in a number",
    );
    for (const kept of ["version1", "amountV2", "x"]) {
      expect(functionParameters(new Function(kept, "return 1"), "kept()").names).toEqual([kept]);
    }
  });

  it("tells minified code from formatted code by the space before a body's brace", () => {
    expect(looksMinified("addTrick(e){this.t.push(e)}")).toBe(true);
    expect(looksMinified("class l extends r{}")).toBe(true);
    expect(looksMinified("class{constructor(){}}")).toBe(true);
    expect(looksMinified("addTrick(trick) {\n  this.tricks.push(trick);\n}")).toBe(false);
    expect(looksMinified("class Dog extends Aggregate {}")).toBe(false);
    expect(looksMinified('class extends (_a = Aggregate, _dec = [event({ a: "{" })], _a) {}')).toBe(
      false,
    );
    expect(looksMinified("(e) => e + 1")).toBe(false);
  });

  it("takes a short name in minified code for a minifier's, and numbered names for renames", () => {
    const mangled = new Function("return class l extends Object{constructor(e){super()}}")();
    const stripped = new Function("return class Dog extends Object{constructor(name){super()}}")();
    const formatted = new Function("return class Ox extends Object {}")();
    expect(looksMangled(mangled)).toBe(true);
    expect(looksMangled(stripped)).toBe(false);
    expect(looksMangled(formatted)).toBe(false);
    for (const name of ["name2", "Created3", "name$1", "label12"]) {
      expect(looksRenamed(name)).toBe(true);
    }
    for (const name of ["name", "version1", "OrderV2", "x", "sha256Hex"]) {
      expect(looksRenamed(name)).toBe(false);
    }
  });

  it("refuses native functions, rest parameters and mixed destructuring", () => {
    expect(() => functionParameters(Math.max, "max()")).toThrow("max(): can't read the parameters");
    expect(() => functionParameters((...xs: number[]) => xs, "rest()")).toThrow(
      "rest(): variable (rest) parameters are not supported",
    );
    expect(() => functionParameters(({ a }: { a: number }, b: number) => a + b, "mixed()")).toThrow(
      "mixed(): a destructured object parameter must be the only parameter",
    );
  });

  it("finds the nearest declared constructor, ignoring `constructor` inside strings", () => {
    class Base {}
    class Declared extends Base {
      label = "constructor(fake)";
      constructor(
        readonly first: string,
        readonly second = ")",
      ) {
        super();
      }
    }
    class Inherits extends Declared {
      extra = 1;
    }
    const declared = {
      kind: "positional",
      names: ["first", "second"],
      optional: new Set(["second"]),
    };
    expect(constructorParameters(Declared, Base)).toEqual(declared);
    expect(constructorParameters(Inherits, Base)).toEqual(declared);
    expect(constructorParameters(class Empty extends Base {}, Base)).toEqual({
      kind: "positional",
      names: [],
      optional: new Set(),
    });
  });
});
