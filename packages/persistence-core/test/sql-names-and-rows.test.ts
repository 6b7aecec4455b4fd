/**
 * The SQL toolkit's names (identifiers, table names from an application's name), bytes as
 * drivers bind them, and rows read as records.
 */
import { describe, expect, it } from "vitest";
import { ProgrammingError } from "../src/index.js";
import {
  identifier,
  isIdentifier,
  tableName,
  tablePrefix,
  toBuffer,
  toNotification,
  toStoredEvent,
} from "../src/sql/index.js";

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

describe("bytes", () => {
  it("gives a Buffer as it is, and any other byte array as a Buffer over its own bytes", () => {
    const buffer = Buffer.from([1, 2, 3]);
    expect(toBuffer(buffer)).toBe(buffer);
    const whole = new Uint8Array([9, 8, 7, 6, 5]);
    const view = whole.subarray(1, 4);
    const converted = toBuffer(view);
    expect(Buffer.isBuffer(converted)).toBe(true);
    expect([...converted]).toEqual([8, 7, 6]);
    whole[2] = 0;
    expect([...converted]).toEqual([8, 0, 6]);
    expect(toBuffer(new Uint8Array())).toHaveLength(0);
  });
});

describe("rows", () => {
  it("read an events table's row as the stored event, and with its id as the notification", () => {
    const state = new Uint8Array([1, 2]);
    const row = {
      notification_id: 7,
      originator_id: "a",
      originator_version: 2,
      topic: "t",
      state,
    };
    expect(toStoredEvent(row)).toEqual({
      originatorId: "a",
      originatorVersion: 2,
      topic: "t",
      state,
    });
    const notification = toNotification(row);
    expect(notification).toEqual({
      id: 7,
      originatorId: "a",
      originatorVersion: 2,
      topic: "t",
      state,
    });
    expect(notification.state).toBe(state);
  });
});
