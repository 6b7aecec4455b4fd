/**
 * The transcoder never stores a value as something else: every value it accepts comes back
 * exactly (`Object.is` for numbers, `undefined` kept, own `__proto__` keys kept), and every
 * value it can't hold is refused with a `TypeError` naming where in the value it is.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JSONTranscoder } from "../src/index.js";
import { exactly, storedValue } from "./fixtures/values.js";

const transcoder = new JSONTranscoder();
const roundTrip = (value: unknown) => transcoder.decode(transcoder.encode(value));

describe("exact round trips", () => {
  it("keeps -0, NaN and the infinities, which JSON lacks", () => {
    for (const number of [-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(Object.is(roundTrip(number), number)).toBe(true);
      expect(Object.is((roundTrip({ n: [number] }) as { n: number[] }).n[0], number)).toBe(true);
    }
    expect(Object.is(roundTrip(0), 0)).toBe(true);
  });

  it("keeps undefined inside arrays and objects", () => {
    const copy = roundTrip({ items: [1, undefined, 3], options: { colour: undefined } }) as {
      items: unknown[];
      options: Record<string, unknown>;
    };
    expect(copy.items).toHaveLength(3);
    expect(1 in copy.items && copy.items[1] === undefined).toBe(true);
    expect(Object.hasOwn(copy.options, "colour")).toBe(true);
    expect(copy.options.colour).toBeUndefined();
  });

  it("keeps an own __proto__ key as data, never as a prototype", () => {
    const value = JSON.parse('{"__proto__":{"admin":true},"name":"eve"}') as object;
    const copy = roundTrip({ user: value }) as { user: Record<string, unknown> };
    expect(Object.getPrototypeOf(copy.user)).toBe(Object.prototype);
    expect(Object.hasOwn(copy.user, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(copy.user, "__proto__")?.value).toEqual({
      admin: true,
    });
    expect(copy.user.name).toBe("eve");
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe("refusals name where the value is", () => {
  it("refuses array holes", () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point.
    expect(() => transcoder.encode({ items: [1, , 3] })).toThrow(
      "Can't encode items[1]: an array with holes is not serializable",
    );
  });

  it("refuses circular references, without overflowing the stack", () => {
    const options: Record<string, unknown> = { colour: "red" };
    options.self = { again: options };
    expect(() => transcoder.encode({ options })).toThrow(TypeError);
    expect(() => transcoder.encode({ options })).toThrow(
      "Can't encode options.self.again: a circular reference is not serializable",
    );
    const list: unknown[] = [];
    list.push(new Map([["k", list]]));
    expect(() => transcoder.encode({ list })).toThrow(
      "Can't encode list[0][1]: a circular reference is not serializable",
    );
  });

  it("refuses a value nested 20,000 levels deep with a TypeError naming where and how deep, not a stack overflow", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    expect(() => transcoder.encode({ payload: deep })).toThrow(TypeError);
    expect(() => transcoder.encode({ payload: deep })).toThrow(
      "Can't encode payload: the value is nested 20000 levels deep, too deeply to serialize",
    );
    let list: unknown = [new Date(0)];
    for (let i = 0; i < 20_000; i++) list = [list];
    expect(() => transcoder.encode({ items: [1, list] })).toThrow(
      "Can't encode items: the value is nested 20003 levels deep, too deeply to serialize",
    );
  });

  it("finds a cycle below 20,000 levels of nesting, naming its path's start", () => {
    const bottom: Record<string, unknown> = {};
    let deep: unknown = bottom;
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    bottom.back = deep;
    expect(() => transcoder.encode({ payload: deep })).toThrow(
      /^Can't encode payload\.a\.a.*\.back: a circular reference is not serializable$/,
    );
  });

  it("refuses stored data nested too deeply to decode with a TypeError, not a stack overflow", () => {
    const tagged = `{"_type_":"datetime_iso","_data_":"2000-01-01T00:00:00.000Z"}`;
    const text = `${'{"a":'.repeat(20_000)}${tagged}${"}".repeat(20_000)}`;
    expect(() => transcoder.decode(new TextEncoder().encode(text))).toThrow(
      "Can't decode: the stored value is nested too deeply",
    );
    expect(() => transcoder.decode(new TextEncoder().encode(text))).toThrow(TypeError);
  });

  it("refuses functions, symbols, symbol keys and unregistered classes, naming the path", () => {
    expect(() => transcoder.encode({ options: { colour: Symbol("red") } })).toThrow(
      "Can't encode options.colour: symbol is not serializable",
    );
    expect(() => transcoder.encode({ "my-key": [() => 1] })).toThrow(
      `Can't encode ["my-key"][0]: function is not serializable`,
    );
    expect(() => transcoder.encode({ tagged: { [Symbol("s")]: 1 } })).toThrow(
      "Can't encode tagged: an object with symbol keys is not serializable",
    );
    class Money {}
    expect(() => transcoder.encode({ price: { amount: new Money() } })).toThrow(
      "Can't encode price.amount: Object of type Money is not serializable",
    );
    expect(() => transcoder.encode(new Int16Array(2))).toThrow(
      "Object of type Int16Array is not serializable",
    );
  });
});

describe("property: decode(encode(x)) is x", () => {
  it("for nested values of every supported type", () => {
    fc.assert(
      fc.property(storedValue, (value) => {
        expect(exactly(roundTrip(value), value)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses what it can't hold, wherever it is nested", () => {
    const unsupported = fc.constantFrom<unknown>(
      () => 1,
      Symbol("s"),
      new (class Unregistered {})(),
      new WeakMap(),
      new Int32Array(1),
    );
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        unsupported,
        (keys, bad) => {
          let value: unknown = bad;
          for (const key of keys) value = key.length % 2 ? [value] : { [`k${key}`]: value };
          expect(() => transcoder.encode(value)).toThrow(TypeError);
        },
      ),
      { numRuns: 100 },
    );
  });
});
