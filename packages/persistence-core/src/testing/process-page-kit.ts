/**
 * The conformance tests of pages on process recorders: `insertEvents(events, { page })`
 * records the events with the tracking record of the page's last notification, or is refused,
 * storing nothing, when a notification of the page's application at or after its first is
 * tracked — whichever boundaries the pages that got there first had. That refusal is what
 * keeps a follower exactly once when two runners of it race.
 */
import { uuid4 } from "@es/domain";
import { describe, expect, it } from "vitest";
import { IntegrityError, ProgrammingError } from "../errors.js";
import type { Page } from "../page.js";
import type { ProcessRecorder } from "../recorders.js";
import { type StoredEvent, tracking } from "../records.js";
import { makeStoredEvent, type RecorderKitOptions, using } from "./kit-helpers.js";

const page = (first: number, last: number, applicationName = "up"): Page => ({
  applicationName,
  first,
  last,
});

/** Events of a new originator, versions 1 to `count`, their states `${label}.${version}`. */
const eventsOf = (count: number, label = "e"): StoredEvent[] => {
  const id = uuid4();
  return Array.from({ length: count }, (_, i) => makeStoredEvent(id, i + 1, "t", `${label}.${i}`));
};

/** The states of every notification recorded, in id order. */
const states = async (recorder: ProcessRecorder): Promise<string[]> => {
  const all = await recorder.selectNotifications(1, 10_000);
  return all.map((n) => new TextDecoder().decode(n.state));
};

/** Process recorder promises about pages (`insertEvents(events, { page })`). */
export function describeProcessRecorderPages<R extends ProcessRecorder>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R> = {},
): void {
  const withRecorder = <T>(body: (recorder: R) => Promise<T>) => using(create, options, body);

  describe(`${name}: process recorder pages`, () => {
    it("records a page's events with the tracking record of its last notification", () =>
      withRecorder(async (recorder) => {
        const ids = await recorder.insertEvents(eventsOf(2), { page: page(1, 3) });
        expect(ids).toHaveLength(2);
        expect(await recorder.maxTrackingId("up")).toBe(3);
        expect(await recorder.hasTrackingId("up", 3)).toBe(true);
        expect(await recorder.hasTrackingId("up", 4)).toBe(false);
        // Pages may have gaps between them and within them, and record no events.
        await recorder.insertEvents([], { page: page(5, 5) });
        await recorder.insertEvents(eventsOf(1), { page: page(9, 12) });
        expect(await recorder.maxTrackingId("up")).toBe(12);
        expect(await recorder.maxNotificationId()).toBe(3);
      }));

    it("refuses a page with a notification tracked at or after its first, and stores nothing", () =>
      withRecorder(async (recorder) => {
        await recorder.insertEvents(eventsOf(1, "kept"), { page: page(1, 6) });
        for (const [first, last] of [
          [1, 6],
          [3, 4],
          [5, 9],
          [6, 6],
        ] as const) {
          for (const events of [eventsOf(2, "refused"), []]) {
            const refused = await recorder
              .insertEvents(events, { page: page(first, last) })
              .catch((error: unknown) => error);
            expect(refused).toBeInstanceOf(IntegrityError);
            expect((refused as Error).message).toContain(
              `refuses notifications ${first}-${last} of 'up': it has processed 'up' up to notification 6`,
            );
          }
        }
        expect(await states(recorder)).toEqual(["kept.0"]);
        expect(await recorder.maxTrackingId("up")).toBe(6);
        // Right after the position, a page is taken.
        await recorder.insertEvents(eventsOf(1, "next"), { page: page(7, 8) });
        expect(await states(recorder)).toEqual(["kept.0", "next.0"]);
        expect(await recorder.maxTrackingId("up")).toBe(8);
      }));

    it("refuses a page that reaches back before a tracking record made on its own or with events", () =>
      withRecorder(async (recorder) => {
        await recorder.insertTracking(tracking("up", 10));
        await expect(
          recorder.insertEvents(eventsOf(1), { page: page(8, 12) }),
        ).rejects.toBeInstanceOf(IntegrityError);
        await recorder.insertEvents(eventsOf(1), { tracking: tracking("up", 20) });
        await expect(
          recorder.insertEvents(eventsOf(1), { page: page(11, 19) }),
        ).rejects.toBeInstanceOf(IntegrityError);
        await recorder.insertEvents([], { page: page(21, 21) });
        expect(await recorder.maxTrackingId("up")).toBe(21);
        expect(await recorder.maxNotificationId()).toBe(1);
      }));

    it("keeps each upstream application's position apart", () =>
      withRecorder(async (recorder) => {
        await recorder.insertEvents(eventsOf(1), { page: page(1, 9, "one") });
        await recorder.insertEvents(eventsOf(1), { page: page(1, 3, "two") });
        expect(await recorder.maxTrackingId("one")).toBe(9);
        expect(await recorder.maxTrackingId("two")).toBe(3);
        await expect(recorder.insertEvents([], { page: page(3, 4, "two") })).rejects.toBeInstanceOf(
          IntegrityError,
        );
        await recorder.insertEvents([], { page: page(4, 4, "two") });
      }));

    it("refuses a page whose events conflict, and records neither", () =>
      withRecorder(async (recorder) => {
        const [event] = eventsOf(1);
        await recorder.insertEvents([event as StoredEvent]);
        await expect(
          recorder.insertEvents([event as StoredEvent], { page: page(1, 2) }),
        ).rejects.toBeInstanceOf(IntegrityError);
        expect(await recorder.maxTrackingId("up")).toBe(0);
        expect(await recorder.maxNotificationId()).toBe(1);
      }));

    it("refuses what isn't a page, or a page with a tracking record, and stores nothing", () =>
      withRecorder(async (recorder) => {
        const wrong: Page[] = [
          page(0, 1),
          page(3, 2),
          page(1.5, 2),
          page(1, Number.NaN),
          page(1, 1, ""),
        ];
        for (const given of wrong) {
          await expect(recorder.insertEvents(eventsOf(1), { page: given })).rejects.toThrow(
            ProgrammingError,
          );
        }
        await expect(
          recorder.insertEvents(eventsOf(1), { page: page(1, 1), tracking: tracking("up", 1) }),
        ).rejects.toThrow(ProgrammingError);
        expect(await recorder.maxNotificationId()).toBe(0);
        expect(await recorder.maxTrackingId("up")).toBe(0);
      }));

    it("lets one of two concurrent inserts of overlapping pages commit, not both", () =>
      withRecorder(async (recorder) => {
        const outcomes = await Promise.allSettled([
          recorder.insertEvents(eventsOf(1, "1-5"), { page: page(1, 5) }),
          recorder.insertEvents(eventsOf(1, "3-8"), { page: page(3, 8) }),
        ]);
        expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
        const [refused] = outcomes.filter((o) => o.status === "rejected");
        expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(IntegrityError);
        const recorded = await states(recorder);
        expect(recorded).toHaveLength(1);
        expect(await recorder.maxTrackingId("up")).toBe(recorded[0] === "1-5.0" ? 5 : 8);
      }));

    it("records each notification once when runners with different page sizes race", () =>
      withRecorder(async (recorder) => {
        const last = 30;
        // A runner: resumes after the position, records an event per notification of a page
        // (each runner's events are its own, so only the page check stops a notification being
        // recorded twice), and on a refusal reads the position again.
        const runner = async (size: number) => {
          for (;;) {
            const first = (await recorder.maxTrackingId("up")) + 1;
            if (first > last) return;
            const end = Math.min(first + size - 1, last);
            const events = Array.from({ length: end - first + 1 }, (_, i) =>
              makeStoredEvent(uuid4(), 1, "t", String(first + i)),
            );
            await recorder.insertEvents(events, { page: page(first, end) }).catch((error) => {
              if (!(error instanceof IntegrityError)) throw error;
            });
          }
        };
        await Promise.all([runner(3), runner(5), runner(7)]);
        const ids = (await states(recorder)).map(Number).sort((a, b) => a - b);
        expect(ids).toEqual(Array.from({ length: last }, (_, i) => i + 1));
        expect(await recorder.maxTrackingId("up")).toBe(last);
      }));
  });
}
