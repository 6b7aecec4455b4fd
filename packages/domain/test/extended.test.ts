import { describe, expect, it } from "vitest";
import { extended } from "../src/extended.js";

describe("extended (a spread's copy, made without V8's slow path)", () => {
  it("copies the source's properties, then the extra ones over them, in that order", () => {
    const source = { b: 1, a: 2, id: "old" };
    const copy = extended(source, { id: "new", z: 3 });
    expect(copy).toEqual({ b: 1, a: 2, id: "new", z: 3 });
    expect(Object.keys(copy)).toEqual(["b", "a", "id", "z"]);
    expect(source).toEqual({ b: 1, a: 2, id: "old" });
  });

  it("makes the extra properties alone from an undefined source", () => {
    expect(extended(undefined, { id: "x" })).toEqual({ id: "x" });
  });

  it("keeps an own '__proto__' as a property, as a spread does, not as the copy's prototype", () => {
    const hostile = JSON.parse('{"__proto__": {"admin": true}, "label": "x"}') as object;
    const copy = extended(hostile, { id: "x" });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(["__proto__", "label", "id"]);
    expect((copy as { admin?: unknown }).admin).toBeUndefined();
  });
});
