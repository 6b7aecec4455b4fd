/**
 * The SQL toolkit's values and rows: bytes as drivers bind them, and rows read as records.
 */
import { describe, expect, it } from "vitest";
import { columnHash, toBuffer, toNotification, toStoredEvent } from "../src/sql/index.js";

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

  it("read a NULL hash as none (no hash key), and bytes of any length as they are", () => {
    const state = new Uint8Array([1]);
    const row = {
      notification_id: 1,
      originator_id: "a",
      originator_version: 1,
      topic: "t",
      state,
    };
    for (const none of [null, undefined]) {
      expect(Object.hasOwn(toStoredEvent({ ...row, hash: none }), "hash")).toBe(false);
      expect(Object.hasOwn(toNotification({ ...row, hash: none }), "hash")).toBe(false);
    }
    const hash = Buffer.alloc(32, 1);
    expect(toStoredEvent({ ...row, hash }).hash).toBe(hash);
    expect(toNotification({ ...row, hash }).hash).toBe(hash);
    const short = new Uint8Array(3);
    expect(toNotification({ ...row, hash: short }).hash).toBe(short);
  });

  it("read a hash column holding something other than bytes as the bytes of its text", () => {
    const text = (value: unknown) => new TextDecoder().decode(columnHash(value));
    expect(text("abc")).toBe("abc");
    expect(text(42)).toBe("42");
    expect(text(42n)).toBe("42");
    expect(text(1.5)).toBe("1.5");
    expect(columnHash("")).toEqual(new Uint8Array());
    expect(columnHash(12)).toEqual(columnHash(12));
  });
});
