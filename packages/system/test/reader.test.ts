/**
 * A notification log reader reads an application's notifications from a position to the end:
 * section by section, following each section's next id, or a limited list at a time. Here it
 * reads a log of 5 notifications a section over a process recorder on every store.
 */
import { randomUUID } from "node:crypto";
import { LocalNotificationLog, type NotificationLog } from "@es/application";
import {
  InfrastructureFactory,
  type Notification,
  type ProcessRecorder,
  storedEvent,
} from "@es/persistence-core";
import { afterEach, describe, expect, it } from "vitest";
import { NotificationLogReader } from "../src/index.js";
import { stores } from "./stores.js";

const factories: InfrastructureFactory[] = [];
afterEach(async () => {
  for (const factory of factories.splice(0)) await factory.close();
});

async function processRecorder(env: Record<string, string>): Promise<ProcessRecorder> {
  const factory = await InfrastructureFactory.construct({
    applicationName: "Upstream",
    env: { ...process.env, ...env },
  });
  factories.push(factory);
  return factory.processRecorder();
}

/** Records `count` events, each of an aggregate of its own. */
async function record(recorder: ProcessRecorder, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await recorder.insertEvents([
      storedEvent({
        originatorId: randomUUID(),
        originatorVersion: 1,
        topic: "Upstream.Happened",
        state: new TextEncoder().encode(`{"i":${i}}`),
      }),
    ]);
  }
}

/** The log, noting the section ids asked for. */
function noting(log: NotificationLog, sectionIds: string[]): NotificationLog {
  return {
    section: (sectionId) => {
      sectionIds.push(sectionId);
      return log.section(sectionId);
    },
    select: (start, limit) => log.select(start, limit),
  };
}

async function ids(notifications: AsyncIterable<Notification>): Promise<number[]> {
  const seen: number[] = [];
  for await (const notification of notifications) seen.push(notification.id);
  return seen;
}

/** How many notifications the reader gives from each start: 1, 2, 3, 4, 8, 9 and 10. */
const STARTS = [1, 2, 3, 4, 8, 9, 10] as const;
const AFTER_NINE = [9, 8, 7, 6, 2, 1, 0];

describe.each(stores)("a notification log reader on the %s store", (_store, env) => {
  it("reads from a position to the end by sections of its size, following each next id", async () => {
    const recorder = await processRecorder(env());
    const log = new LocalNotificationLog(recorder, 5);
    const reader = new NotificationLogReader(log, 10);
    const count = async (start: number) => (await ids(reader.read({ start }))).length;

    expect(await count(1)).toBe(0);
    await record(recorder, 5);
    expect(await count(1)).toBe(5);
    await record(recorder, 4);
    expect(await Promise.all(STARTS.map(count))).toEqual(AFTER_NINE);

    // It asks for its own size from the start; the log gives 5 at most, and the next ids.
    const asked: string[] = [];
    const noted = new NotificationLogReader(noting(log, asked), 10);
    expect(await ids(noted.read({ start: 1 }))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(asked).toEqual(["1,10", "6,10"]);
    asked.length = 0;
    expect(await ids(noted.read({ start: 3 }))).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(asked).toEqual(["3,12", "8,12"]);
  });

  it("selects from a position to the end, its section size at a time", async () => {
    const recorder = await processRecorder(env());
    const log = new LocalNotificationLog(recorder, 5);
    const reader = new NotificationLogReader(log, 5);
    const count = async (start: number) => (await ids(reader.select({ start }))).length;

    expect(await count(1)).toBe(0);
    await record(recorder, 5);
    expect(await count(1)).toBe(5);
    await record(recorder, 4);
    expect(await Promise.all(STARTS.map(count))).toEqual(AFTER_NINE);
    expect(await ids(reader.select({ start: 4 }))).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it("can't select more at a time than the log's section size", async () => {
    const recorder = await processRecorder(env());
    await record(recorder, 1);
    const reader = new NotificationLogReader(new LocalNotificationLog(recorder, 5), 10);
    await expect(ids(reader.select({ start: 1 }))).rejects.toThrow(
      "Requested limit 10 greater than section size 5",
    );
    // Reading by sections is fine: the log caps each section at its size.
    expect(await ids(reader.read({ start: 1 }))).toEqual([1]);
  });
});
