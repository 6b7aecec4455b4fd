/**
 * The SQL toolkit's names: identifiers, and table names made from an application's name.
 */
import { describe, expect, it } from "vitest";
import { ProgrammingError } from "../src/index.js";
import { identifier, isIdentifier, tableName, tablePrefix } from "../src/sql/index.js";

describe("identifiers", () => {
  it("accepts plain identifiers of up to 63 characters, lower-cased", () => {
    expect(identifier("Worlds_Events")).toBe("worlds_events");
    expect(identifier("_x9")).toBe("_x9");
    expect(identifier("a".repeat(63))).toBe("a".repeat(63));
    expect(isIdentifier("Worlds")).toBe(true);
  });

  it.each(["", "9lives", "worlds events", 'x"; drop table y; --', "a".repeat(64), "café"])(
    "refuses %j with a ProgrammingError naming it",
    (name) => {
      expect(isIdentifier(name)).toBe(false);
      expect(() => identifier(name)).toThrow(ProgrammingError);
      expect(() => identifier(name)).toThrow(`Invalid table name '${name}'`);
    },
  );

  it("names what the name is for, and quotes at most 80 characters of it", () => {
    expect(() => identifier("bad name", "schema name")).toThrow("Invalid schema name 'bad name'");
    const long = "x".repeat(500);
    expect(() => identifier(long)).toThrow(`Invalid table name '${"x".repeat(80)}':`);
  });

  it("names an application's tables after it, or 'stored' when it has no name", () => {
    expect(tablePrefix("Worlds")).toBe("Worlds");
    expect(tablePrefix("")).toBe("stored");
    expect(tablePrefix("  ")).toBe("stored");
    expect(tableName("Worlds", "events")).toBe("worlds_events");
    expect(tableName(tablePrefix(""), "snapshots")).toBe("stored_snapshots");
    expect(() => tableName("a".repeat(54), "snapshots")).toThrow(
      `Invalid table name '${"a".repeat(54)}_snapshots'`,
    );
  });
});
