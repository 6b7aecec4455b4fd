/**
 * The recorder conformance kit: one vitest suite that every recorder runs against itself
 * (in-memory, SQLite, PostgreSQL, third-party), so that all of them keep the same promises.
 * Call the `describe…` functions from a test file with a function that makes a new, empty
 * recorder.
 */

import { uuid4 } from "@es/domain";
import { describe, expect, it } from "vitest";
import { IntegrityError, ProgrammingError, TrackingTimeoutError } from "../errors.js";
import type {
  AggregateRecorder,
  ApplicationRecorder,
  ProcessRecorder,
  TrackingRecorder,
} from "../recorders.js";
import { type StoredEvent, tracking } from "../records.js";
import {
  describeEventHashes,
  describeNotificationHashes,
  describeTrackedHashes,
} from "./hash-kit.js";
import { makeStoredEvent, type RecorderKitOptions, using } from "./kit-helpers.js";
import { describeProcessRecorderPages } from "./process-page-kit.js";
import { describeSelectingNotifications } from "./select-notifications-kit.js";
import { describeSubscriptions } from "./subscriptions-kit.js";

const summary = (events: readonly StoredEvent[]) =>
  events.map((e) => ({
    id: e.originatorId,
    v: e.originatorVersion,
    topic: e.topic,
    state: [...e.state],
  }));

/** Aggregate recorder promises. */
export function describeAggregateRecorder<R extends AggregateRecorder>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R> = {},
): void {
  describeAggregateRecorderOf(name, create, options, { storesTracking: false });
}

/** Whether the recorder under test stores tracking records (a process recorder does). */
interface Kind {
  readonly storesTracking: boolean;
}

function describeAggregateRecorderOf<R extends AggregateRecorder>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R>,
  kind: Kind,
): void {
  describeEventHashes(name, create, options);
  describe(`${name}: aggregate recorder`, () => {
    if (!kind.storesTracking) {
      it("refuses a tracking record it doesn't store, and stores none of the events", () =>
        using(create, options, async (recorder) => {
          const id = uuid4();
          await expect(
            recorder.insertEvents([makeStoredEvent(id, 1)], { tracking: tracking("up", 1) }),
          ).rejects.toBeInstanceOf(ProgrammingError);
          expect(await recorder.selectEvents(id)).toEqual([]);
        }));

      it("refuses a page it doesn't track, and stores none of the events", () =>
        using(create, options, async (recorder) => {
          const id = uuid4();
          const page = { applicationName: "up", first: 1, last: 2 };
          await expect(
            recorder.insertEvents([makeStoredEvent(id, 1)], { page }),
          ).rejects.toBeInstanceOf(ProgrammingError);
          expect(await recorder.selectEvents(id)).toEqual([]);
        }));
    }

    it("inserts and selects events by originator, version range, order and limit", () =>
      using(create, options, async (recorder) => {
        const id1 = uuid4();
        const id2 = uuid4();
        expect(await recorder.insertEvents([])).toEqual([]);
        expect(await recorder.selectEvents(id1, { desc: true, limit: 1 })).toEqual([]);

        const e1 = makeStoredEvent(id1, 0, "topic1", "state1");
        await recorder.insertEvents([e1]);
        expect(summary(await recorder.selectEvents(id1))).toEqual(summary([e1]));

        const e2 = makeStoredEvent(id1, 1, "topic2", "state2");
        const e3 = makeStoredEvent(id1, 2, "topic3", "state3");
        await recorder.insertEvents([e2, e3]);
        expect(summary(await recorder.selectEvents(id1))).toEqual(summary([e1, e2, e3]));
        expect(summary(await recorder.selectEvents(id1, { desc: true, limit: 1 }))).toEqual(
          summary([e3]),
        );
        expect(summary(await recorder.selectEvents(id1, { lte: 1, desc: true, limit: 1 }))).toEqual(
          summary([e2]),
        );
        expect(summary(await recorder.selectEvents(id1, { gt: 0, lte: 2 }))).toEqual(
          summary([e2, e3]),
        );
        expect(summary(await recorder.selectEvents(id1, { gt: 0, limit: 1 }))).toEqual(
          summary([e2]),
        );
        expect(summary(await recorder.selectEvents(id1, { desc: true }))).toEqual(
          summary([e3, e2, e1]),
        );

        expect(await recorder.selectEvents(id2)).toEqual([]);
        const e4 = makeStoredEvent(id2, 0);
        await recorder.insertEvents([e4]);
        expect(summary(await recorder.selectEvents(id2))).toEqual(summary([e4]));
      }));

    it("refuses a gt, lte or limit that isn't a number, or is NaN, and a desc that isn't a boolean, naming it", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        await recorder.insertEvents([makeStoredEvent(id, 1), makeStoredEvent(id, 2)]);
        const select = (given: unknown) =>
          recorder.selectEvents(id, given as Parameters<R["selectEvents"]>[1]);
        await expect(select({ gt: "1" })).rejects.toThrow(
          new TypeError("selectEvents gt must be a number, got string"),
        );
        await expect(select({ gt: Number.NaN })).rejects.toThrow(
          new RangeError("selectEvents gt must be an integer, got NaN"),
        );
        await expect(select({ lte: null })).rejects.toThrow(
          new TypeError("selectEvents lte must be a number, got null"),
        );
        await expect(select({ lte: 1.5 })).rejects.toThrow(
          new RangeError("selectEvents lte must be an integer, got 1.5"),
        );
        await expect(select({ limit: Number.NaN })).rejects.toThrow(
          new RangeError("selectEvents limit must be a number, not NaN"),
        );
        await expect(select({ limit: "1" })).rejects.toThrow(
          new TypeError("selectEvents limit must be a number, got string"),
        );
        await expect(select({ desc: "false" })).rejects.toThrow(
          new TypeError("selectEvents desc must be a boolean, got string"),
        );
        await expect(select(1)).rejects.toThrow(
          new TypeError("selectEvents options must be an object, got number"),
        );
      }));

    it("reads a huge limit or bound as none, and a huge gt as past every version", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        await recorder.insertEvents([makeStoredEvent(id, 1), makeStoredEvent(id, 2)]);
        const versions = async (given: Parameters<R["selectEvents"]>[1]) =>
          (await recorder.selectEvents(id, given)).map((e) => e.originatorVersion);
        expect(await versions({ limit: 1e20 })).toEqual([1, 2]);
        expect(await versions({ limit: Number.POSITIVE_INFINITY })).toEqual([1, 2]);
        expect(await versions({ limit: -1 })).toEqual([]);
        expect(await versions({ lte: 1e20, gt: -1e20 })).toEqual([1, 2]);
        expect(await versions({ gt: 1e20 })).toEqual([]);
        expect(await versions({ lte: -1e20 })).toEqual([]);
      }));

    it("returns the stored bytes and topic unchanged", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        const state = Uint8Array.from({ length: 256 }, (_, i) => i);
        await recorder.insertEvents([
          { originatorId: id, originatorVersion: 1, topic: "a.B:c ✓", state },
        ]);
        const [selected] = await recorder.selectEvents(id);
        expect(selected?.topic).toBe("a.B:c ✓");
        expect([...(selected?.state ?? [])]).toEqual([...state]);
        expect(selected?.state).toBeInstanceOf(Uint8Array);
      }));

    it("refuses a recorded version, or one repeated in a batch, and then stores nothing", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        const e1 = makeStoredEvent(id, 0);
        const e2 = makeStoredEvent(id, 1);
        await recorder.insertEvents([e1]);
        await expect(recorder.insertEvents([e1])).rejects.toBeInstanceOf(IntegrityError);
        await expect(recorder.insertEvents([e2, e1])).rejects.toBeInstanceOf(IntegrityError);
        await expect(recorder.insertEvents([e2, e2])).rejects.toBeInstanceOf(IntegrityError);
        expect(summary(await recorder.selectEvents(id))).toEqual(summary([e1]));
        await recorder.insertEvents([e2]);
        expect(await recorder.selectEvents(id)).toHaveLength(2);
      }));

    it("keeps sequences separate per originator", () =>
      using(create, options, async (recorder) => {
        const ids = [uuid4(), uuid4(), uuid4()];
        await recorder.insertEvents(
          ids.flatMap((id) => [makeStoredEvent(id, 1), makeStoredEvent(id, 2)]),
        );
        for (const id of ids) {
          expect(
            (await recorder.selectEvents(id)).map((e) => [e.originatorId, e.originatorVersion]),
          ).toEqual([
            [id, 1],
            [id, 2],
          ]);
        }
      }));
  });
}

/** Application recorder promises, the concurrency guarantees among them. */
export function describeApplicationRecorder<R extends ApplicationRecorder>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R> = {},
): void {
  describeApplicationRecorderOf(name, create, options, { storesTracking: false });
}

function describeApplicationRecorderOf<R extends ApplicationRecorder>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R>,
  kind: Kind,
): void {
  describeAggregateRecorderOf(name, create, options, kind);
  describeSelectingNotifications(name, create, options);
  describeSubscriptions(name, create, options);
  describeNotificationHashes(name, create, options);

  describe(`${name}: application recorder`, () => {
    it("numbers notifications from 1 in insertion order and selects them from a start id", () =>
      using(create, options, async (recorder) => {
        expect(await recorder.maxNotificationId()).toBe(0);
        expect(await recorder.selectNotifications(1, 10)).toEqual([]);
        const id1 = uuid4();
        const id2 = uuid4();
        const e1 = makeStoredEvent(id1, 0, "topic1", "state1");
        const e2 = makeStoredEvent(id1, 1, "topic2", "state2");
        const e3 = makeStoredEvent(id2, 1, "topic3", "state3");
        const ids12 = await recorder.insertEvents([e1, e2]);
        const ids3 = await recorder.insertEvents([e3]);
        expect(ids12).toEqual([1, 2]);
        expect(ids3).toEqual([3]);
        expect(await recorder.selectEvents(id1)).toHaveLength(2);
        expect(await recorder.selectEvents(id2)).toHaveLength(1);

        const notifications = await recorder.selectNotifications(1, 3);
        expect(notifications.map((n) => n.id)).toEqual([1, 2, 3]);
        expect(notifications.map((n) => [n.originatorId, n.originatorVersion, n.topic])).toEqual([
          [id1, 0, "topic1"],
          [id1, 1, "topic2"],
          [id2, 1, "topic3"],
        ]);
        expect(new TextDecoder().decode(notifications[2]?.state)).toBe("state3");
        expect(await recorder.maxNotificationId()).toBe(3);
        expect((await recorder.selectNotifications(1, 1)).map((n) => n.id)).toEqual([1]);
        expect((await recorder.selectNotifications(2, 1)).map((n) => n.id)).toEqual([2]);
        expect((await recorder.selectNotifications(2, 2)).map((n) => n.id)).toEqual([2, 3]);
        expect((await recorder.selectNotifications(3, 1)).map((n) => n.id)).toEqual([3]);
        expect((await recorder.selectNotifications(4, 10)).map((n) => n.id)).toEqual([]);
        expect((await recorder.selectNotifications(0, 10)).map((n) => n.id)).toEqual([1, 2, 3]);
      }));

    it("assigns no notification id to a refused batch", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        await recorder.insertEvents([makeStoredEvent(id, 1)]);
        await expect(
          recorder.insertEvents([makeStoredEvent(uuid4(), 1), makeStoredEvent(id, 1)]),
        ).rejects.toBeInstanceOf(IntegrityError);
        const after = await recorder.insertEvents([makeStoredEvent(id, 2)]);
        const all = await recorder.selectNotifications(1, 10);
        expect(all.map((n) => n.originatorVersion)).toEqual([1, 2]);
        expect(after).toEqual([all[1]?.id]);
        expect(await recorder.maxNotificationId()).toBe(all[1]?.id);
      }));

    it("never interleaves the notification ids of concurrent batches", () =>
      using(create, options, async (recorder) => {
        const size = options.batchSize ?? 1000;
        const [a, b] = [uuid4(), uuid4()];
        const batch = (id: string) =>
          Array.from({ length: size }, (_, i) => makeStoredEvent(id, i + 1));
        await Promise.all([recorder.insertEvents(batch(a)), recorder.insertEvents(batch(b))]);
        const notifications = await recorder.selectNotifications(1, 2 * size + 10);
        const idsOf = (originator: string) =>
          notifications.filter((n) => n.originatorId === originator).map((n) => n.id);
        const [ia, ib] = [idsOf(a), idsOf(b)];
        expect(ia).toHaveLength(size);
        expect(ib).toHaveLength(size);
        const contiguous = (ids: number[]) =>
          ids.every((id, i) => i === 0 || id === (ids[i - 1] ?? 0) + 1);
        expect(contiguous(ia) && contiguous(ib)).toBe(true);
        expect(Math.min(...ia) > Math.max(...ib) || Math.min(...ib) > Math.max(...ia)).toBe(true);
      }));

    it("keeps ids unique and increasing in commit order under concurrent writers and a reader", () =>
      using(create, options, async (recorder) => {
        const writers = options.writers ?? 8;
        const jobsPerWriter = 10;
        const eventsPerJob = 20;
        let writing = true;
        const seenByReader: number[][] = [];
        const reader = (async () => {
          let next = 1;
          const seen: number[] = [];
          while (writing) {
            const page = await recorder.selectNotifications(next, 50);
            for (const n of page) seen.push(n.id);
            if (page.length > 0) next = (page[page.length - 1]?.id ?? next) + 1;
            else await new Promise((resolve) => setTimeout(resolve, 1));
          }
          seenByReader.push(seen);
        })();
        const writerTasks = Array.from({ length: writers }, async () => {
          for (let job = 0; job < jobsPerWriter; job++) {
            const id = uuid4();
            await recorder.insertEvents(
              Array.from({ length: eventsPerJob }, (_, v) => makeStoredEvent(id, v + 1)),
            );
          }
        });
        try {
          await Promise.all(writerTasks);
        } finally {
          writing = false;
          await reader;
        }
        const total = writers * jobsPerWriter * eventsPerJob;
        const all = await recorder.selectNotifications(1, total + 10);
        const ids = all.map((n) => n.id);
        expect(ids).toHaveLength(total);
        expect(new Set(ids).size).toBe(total);
        expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? 0))).toBe(true);
        // A reader that tails the log never sees an id lower than one it has already seen.
        const seen = seenByReader[0] ?? [];
        expect(seen.every((id, i) => i === 0 || id > (seen[i - 1] ?? 0))).toBe(true);
        expect(ids.slice(0, seen.length)).toEqual(seen);
      }));
  });
}

/**
 * Process recorder promises: tracking is recorded atomically with events, once; a page of
 * notifications is refused if any of them is tracked.
 */
export function describeProcessRecorder<R extends ProcessRecorder>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R> = {},
): void {
  describeApplicationRecorderOf(name, create, options, { storesTracking: true });
  describeTrackingRecorder(name, create, options);
  describeProcessRecorderPages(name, create, options);
  describeTrackedHashes(name, create, options);

  describe(`${name}: process recorder`, () => {
    it("records tracking atomically with events, and each notification once", () =>
      using(create, options, async (recorder) => {
        const upstream = "upstream_app";
        expect(await recorder.maxTrackingId(upstream)).toBe(0);
        const id = uuid4();
        const [e1, e2, e3, e4] = [1, 2, 3, 4].map((v) => makeStoredEvent(id, v)) as [
          StoredEvent,
          StoredEvent,
          StoredEvent,
          StoredEvent,
        ];
        await recorder.insertEvents([e1, e2], { tracking: tracking(upstream, 1) });
        expect(await recorder.maxTrackingId(upstream)).toBe(1);
        expect(await recorder.hasTrackingId(upstream, 1)).toBe(true);
        expect(await recorder.hasTrackingId(upstream, 2)).toBe(false);

        await expect(
          recorder.insertEvents([e3], { tracking: tracking(upstream, 1) }),
        ).rejects.toBeInstanceOf(IntegrityError);
        expect(await recorder.maxTrackingId(upstream)).toBe(1);
        expect(await recorder.selectEvents(id)).toHaveLength(2);

        await recorder.insertEvents([e3], { tracking: tracking(upstream, 2) });
        expect(await recorder.maxTrackingId(upstream)).toBe(2);
        await recorder.insertEvents([e4]);
        expect(await recorder.maxTrackingId(upstream)).toBe(2);
        expect(await recorder.maxTrackingId("other_app")).toBe(0);
        expect(await recorder.selectEvents(id)).toHaveLength(4);
      }));

    it("refuses the tracking record when an event conflicts, and records neither", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        await recorder.insertEvents([makeStoredEvent(id, 1)]);
        await expect(
          recorder.insertEvents([makeStoredEvent(id, 1)], { tracking: tracking("upstream", 5) }),
        ).rejects.toBeInstanceOf(IntegrityError);
        expect(await recorder.maxTrackingId("upstream")).toBe(0);
        expect(await recorder.hasTrackingId("upstream", 5)).toBe(false);
      }));

    it("records tracking with no events", () =>
      using(create, options, async (recorder) => {
        await recorder.insertEvents([], { tracking: tracking("upstream", 7) });
        expect(await recorder.maxTrackingId("upstream")).toBe(7);
        expect(await recorder.maxNotificationId()).toBe(0);
      }));
  });
}

/**
 * Tracking recorder promises: tracking records stored once each, the position per upstream
 * application, and waiting until a position is reached. A process recorder keeps them too.
 */
export function describeTrackingRecorder<R extends TrackingRecorder>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R> = {},
): void {
  describe(`${name}: tracking recorder`, () => {
    it("records each upstream notification once, and its position per upstream application", () =>
      using(create, options, async (recorder) => {
        expect(await recorder.maxTrackingId("up")).toBe(0);
        expect(await recorder.hasTrackingId("up", 1)).toBe(false);
        await recorder.insertTracking(tracking("up", 3));
        await expect(recorder.insertTracking(tracking("up", 3))).rejects.toBeInstanceOf(
          IntegrityError,
        );
        await recorder.insertTracking(tracking("up", 5));
        await recorder.insertTracking(tracking("other", 1));
        expect(await recorder.maxTrackingId("up")).toBe(5);
        expect(await recorder.maxTrackingId("other")).toBe(1);
        expect(await recorder.maxTrackingId("none")).toBe(0);
      }));

    it("has a notification tracked once a record at or beyond it is", () =>
      using(create, options, async (recorder) => {
        await recorder.insertTracking(tracking("up", 4));
        for (const id of [1, 3, 4]) expect(await recorder.hasTrackingId("up", id)).toBe(true);
        expect(await recorder.hasTrackingId("up", 5)).toBe(false);
        expect(await recorder.hasTrackingId("other", 1)).toBe(false);
      }));

    it("waits until a notification is tracked, then resolves", () =>
      using(create, options, async (recorder) => {
        await recorder.insertTracking(tracking("up", 1));
        await recorder.wait("up", 1);
        const waiting = recorder.wait("up", 3, { timeoutMs: 30_000 });
        let resolved = false;
        void waiting.then(() => {
          resolved = true;
        });
        await recorder.insertTracking(tracking("up", 2));
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(resolved).toBe(false);
        await recorder.insertTracking(tracking("up", 3));
        await waiting;
        expect(resolved).toBe(true);
      }));

    it("gives up waiting at the timeout with an error naming the notification", () =>
      using(create, options, async (recorder) => {
        const error = await recorder.wait("up", 7, { timeoutMs: 30 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TrackingTimeoutError);
        expect(error).toMatchObject({ applicationName: "up", notificationId: 7 });
        expect(String(error)).toMatch(/notification 7 of application 'up'/);
      }));

    it("stops waiting when the signal aborts", () =>
      using(create, options, async (recorder) => {
        const controller = new AbortController();
        const waiting = recorder.wait("up", 1, { timeoutMs: 30_000, signal: controller.signal });
        controller.abort("enough");
        await expect(waiting).rejects.toMatchObject({ name: "AbortError", cause: "enough" });
        const aborted = AbortSignal.abort("already");
        await expect(recorder.wait("up", 1, { signal: aborted })).rejects.toMatchObject({
          name: "AbortError",
          cause: "already",
        });
      }));
  });
}
