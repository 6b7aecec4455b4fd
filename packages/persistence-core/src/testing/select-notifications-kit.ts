/**
 * The conformance tests of selecting notifications by topic and up to a stop: every
 * application recorder selects what a filter of its whole log would, the limit counting only
 * what is selected and the ids staying the positions in the whole log, and refuses options
 * that aren't what they should be.
 */
import { uuid4 } from "@es/domain";
import { describe, expect, it } from "vitest";
import type { ApplicationRecorder, SelectNotificationsOptions } from "../recorders.js";
import type { Notification } from "../records.js";
import { makeStoredEvent, type RecorderKitOptions, using } from "./kit-helpers.js";

const OPENED = "Account.Opened";
const DEPOSITED = "Account.Deposited";
const CLOSED = "Account.Closed";
/** Topics that a prefix or range match of OPENED would take for it. */
const [SHORTER, LONGER] = ["Account.Opene", "Account.Opened.v2"];

/**
 * Twelve notifications, in three inserts, whose topics by id are: 1 OPENED, 2 DEPOSITED,
 * 3 OPENED, 4 DEPOSITED, 5 SHORTER, 6 OPENED, 7 CLOSED, 8 DEPOSITED, 9 CLOSED, 10 DEPOSITED,
 * 11 LONGER, 12 DEPOSITED. Resolves to all of them, as an unfiltered select gives them.
 */
async function recordLog(recorder: ApplicationRecorder): Promise<Notification[]> {
  const [a, b, c] = [uuid4(), uuid4(), uuid4()];
  await recorder.insertEvents([
    makeStoredEvent(a, 1, OPENED),
    makeStoredEvent(a, 2, DEPOSITED),
    makeStoredEvent(b, 1, OPENED),
  ]);
  await recorder.insertEvents([
    makeStoredEvent(a, 3, DEPOSITED),
    makeStoredEvent(b, 2, SHORTER),
    makeStoredEvent(c, 1, OPENED),
    makeStoredEvent(b, 3, CLOSED),
  ]);
  await recorder.insertEvents([
    makeStoredEvent(c, 2, DEPOSITED, "state2"),
    makeStoredEvent(a, 4, CLOSED),
    makeStoredEvent(c, 3, DEPOSITED, "state3"),
    makeStoredEvent(c, 4, LONGER),
    makeStoredEvent(b, 4, DEPOSITED),
  ]);
  const all = await recorder.selectNotifications(1, 100);
  expect(all.map((n) => n.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  return all;
}

/** The ids a recorder selects. */
const idsOf = async (selected: Promise<Notification[]>) => (await selected).map((n) => n.id);

/** Selecting notifications by topic and up to a stop: the promises every application recorder keeps. */
export function describeSelectingNotifications<R extends ApplicationRecorder>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R> = {},
): void {
  describe(`${name}: selecting notifications by topic and stop`, () => {
    it("selects the notifications of one topic, of several, of none, and of all for an empty list", () =>
      using(create, options, async (recorder) => {
        const all = await recordLog(recorder);
        const select = (topics?: readonly string[]) =>
          idsOf(recorder.selectNotifications(1, 100, { topics }));
        expect(await select([OPENED])).toEqual([1, 3, 6]);
        expect(await select([CLOSED, OPENED])).toEqual([1, 3, 6, 7, 9]);
        expect(await select([DEPOSITED, SHORTER, LONGER])).toEqual([2, 4, 5, 8, 10, 11, 12]);
        expect(await select(["Account.Nothing"])).toEqual([]);
        expect(await select([OPENED, OPENED, "Account.Nothing"])).toEqual([1, 3, 6]);
        expect(await select([])).toEqual(all.map((n) => n.id));
        expect(await select(undefined)).toEqual(all.map((n) => n.id));
        expect(await idsOf(recorder.selectNotifications(1, 100, {}))).toEqual(all.map((n) => n.id));
        // What is selected is the notifications themselves, as the whole log has them.
        const closed = await recorder.selectNotifications(1, 100, { topics: [CLOSED] });
        expect(closed).toEqual([all[6], all[8]]);
      }));

    it("counts only the selected notifications in the limit, from the start asked for", () =>
      using(create, options, async (recorder) => {
        await recordLog(recorder);
        const deposits = (start: number, limit: number) =>
          idsOf(recorder.selectNotifications(start, limit, { topics: [DEPOSITED] }));
        expect(await deposits(1, 2)).toEqual([2, 4]);
        expect(await deposits(5, 2)).toEqual([8, 10]);
        expect(await deposits(12, 2)).toEqual([12]);
        expect(await deposits(13, 2)).toEqual([]);
        expect(await deposits(1, 0)).toEqual([]);
        expect(await deposits(1, -1)).toEqual([]);
        expect(
          await idsOf(recorder.selectNotifications(4, 3, { topics: [OPENED, CLOSED] })),
        ).toEqual([6, 7, 9]);
        // Page by page, each from the id after the last: a reader's position is exact.
        const read: number[] = [];
        for (let next = 1, page = await deposits(next, 2); page.length > 0; ) {
          read.push(...page);
          next = (page.at(-1) ?? 0) + 1;
          page = await deposits(next, 2);
        }
        expect(read).toEqual([2, 4, 8, 10, 12]);
        expect(await recorder.maxNotificationId()).toBe(12);
      }));

    it("selects up to a stop, inclusive, and nothing for a stop before the start", () =>
      using(create, options, async (recorder) => {
        await recordLog(recorder);
        const upTo = (start: number, stop: number, limit = 100) =>
          idsOf(recorder.selectNotifications(start, limit, { stop }));
        expect(await upTo(1, 6)).toEqual([1, 2, 3, 4, 5, 6]);
        expect(await upTo(1, 1)).toEqual([1]);
        expect(await upTo(4, 4)).toEqual([4]);
        expect(await upTo(5, 4)).toEqual([]);
        expect(await upTo(1, 0)).toEqual([]);
        expect(await upTo(1, -1)).toEqual([]);
        expect(await upTo(3, 6, 2)).toEqual([3, 4]);
        expect(await upTo(10, 12)).toEqual([10, 11, 12]);
        expect(await upTo(10, 1_000)).toEqual([10, 11, 12]);
        expect(await upTo(10, Number.MAX_SAFE_INTEGER)).toEqual([10, 11, 12]);
        expect(
          await idsOf(recorder.selectNotifications(2, 2, { stop: 9, topics: [CLOSED, OPENED] })),
        ).toEqual([3, 6]);
      }));

    it("selects what a filter of the whole log selects, for each combination of options", () =>
      using(create, options, async (recorder) => {
        const all = await recordLog(recorder);
        const topicLists = [[], [OPENED], [DEPOSITED, CLOSED], [LONGER, SHORTER], ["Nothing"]];
        for (const start of [0, 1, 2, 6, 12, 13]) {
          for (const stop of [undefined, 0, 1, 5, 6, 11, 12, 50]) {
            for (const topics of topicLists) {
              for (const limit of [1, 2, 5, 100]) {
                const expected = all
                  .filter(
                    (n) =>
                      n.id >= start &&
                      (stop === undefined || n.id <= stop) &&
                      (topics.length === 0 || topics.includes(n.topic)),
                  )
                  .slice(0, limit)
                  .map((n) => n.id);
                const selected = recorder.selectNotifications(start, limit, { stop, topics });
                expect(
                  await idsOf(selected),
                  JSON.stringify({ start, stop, topics, limit }),
                ).toEqual(expected);
              }
            }
          }
        }
      }));

    it("refuses topics that aren't an array of strings, and a stop that isn't an integer", () =>
      using(create, options, async (recorder) => {
        await recordLog(recorder);
        const select = (given: unknown) =>
          recorder.selectNotifications(1, 10, given as SelectNotificationsOptions);
        await expect(select({ topics: OPENED })).rejects.toThrow(
          new TypeError("selectNotifications topics must be an array of strings, got string"),
        );
        await expect(select({ topics: [OPENED, 1] })).rejects.toThrow(
          new TypeError("selectNotifications topics[1] must be a string, got number"),
        );
        await expect(select({ topics: null })).rejects.toThrow(TypeError);
        await expect(select({ stop: "6" })).rejects.toThrow(
          new TypeError("selectNotifications stop must be a number, got string"),
        );
        await expect(select({ stop: 1.5 })).rejects.toThrow(
          new RangeError("selectNotifications stop must be an integer, got 1.5"),
        );
        await expect(select({ stop: Number.NaN })).rejects.toThrow(RangeError);
        await expect(select({ stop: Number.POSITIVE_INFINITY })).rejects.toThrow(RangeError);
        await expect(select(6)).rejects.toThrow(TypeError);
        expect(await idsOf(select(undefined))).toHaveLength(10);
      }));

    it("refuses a start or limit that isn't a number, or is NaN, and reads a huge limit as none", () =>
      using(create, options, async (recorder) => {
        await recordLog(recorder);
        const select = (start: unknown, limit: unknown) =>
          recorder.selectNotifications(start as number, limit as number);
        await expect(select("1", 10)).rejects.toThrow(
          new TypeError("selectNotifications start must be a number, got string"),
        );
        await expect(select(Number.NaN, 10)).rejects.toThrow(
          new RangeError("selectNotifications start must be a number, not NaN"),
        );
        await expect(select(1, Number.NaN)).rejects.toThrow(
          new RangeError("selectNotifications limit must be a number, not NaN"),
        );
        await expect(select(1, undefined)).rejects.toThrow(
          new TypeError("selectNotifications limit must be a number, got undefined"),
        );
        expect(await idsOf(select(1, 1e20))).toHaveLength(12);
        expect(await idsOf(select(1, Number.POSITIVE_INFINITY))).toHaveLength(12);
        expect(await idsOf(select(1e20, 10))).toEqual([]);
      }));

    it("gives a reader of some topics each of theirs once, in order, while writers write", () =>
      using(create, options, async (recorder) => {
        const writers = options.writers ?? 8;
        let writing = true;
        const seen: number[] = [];
        const read = async (next: number) => {
          const page = await recorder.selectNotifications(next, 7, { topics: [OPENED, CLOSED] });
          seen.push(...page.map((n) => n.id));
          return (page.at(-1)?.id ?? next - 1) + 1;
        };
        const reader = (async () => {
          let next = 1;
          while (writing) {
            const after = await read(next);
            if (after === next) await new Promise((resolve) => setTimeout(resolve, 1));
            next = after;
          }
          // The writers are done: what is left is read to the end.
          for (let after = await read(next); after > next; after = await read(next)) next = after;
        })();
        const topics = [OPENED, DEPOSITED, DEPOSITED, CLOSED, DEPOSITED];
        try {
          await Promise.all(
            Array.from({ length: writers }, async () => {
              for (let job = 0; job < 10; job++) {
                const id = uuid4();
                await recorder.insertEvents(
                  Array.from({ length: 1 + (job % 5) }, (_, v) =>
                    makeStoredEvent(id, v + 1, topics[(job + v) % topics.length]),
                  ),
                );
              }
            }),
          );
        } finally {
          writing = false;
          await reader;
        }
        const all = await recorder.selectNotifications(1, 10_000);
        const expected = all.filter((n) => n.topic !== DEPOSITED).map((n) => n.id);
        expect(expected.length).toBeGreaterThan(0);
        expect(seen).toEqual(expected);
      }));
  });
}
