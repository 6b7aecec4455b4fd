/**
 * The SQL toolkit's values and rows: bytes as drivers bind them, and rows read as records.
 */
import { describe, expect, it } from "vitest";
import { toBuffer, toNotification, toStoredEvent } from "../src/sql/index.js";

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
