/**
 * The conformance tests of live subscriptions, which every application recorder runs: a
 * subscription catches up, then goes on live, woken by the recorder's own inserts (its poll is
 * set too long to find them); it follows `after` and `topics`; it yields every id once, in
 * increasing order, while 8 writers insert; bad options are refused at once; and it ends at
 * once on `break`, `return()` and abort, leaving no timer behind.
 */
import { uuid4 } from "@es/domain";
import { describe, expect, it } from "vitest";
import type { ApplicationRecorder } from "../recorders.js";
import type { Notification } from "../records.js";
import type { Subscription } from "../subscription.js";
import { makeStoredEvent, type RecorderKitOptions, using } from "./kit-helpers.js";

/** A poll interval no test waits for: what a subscription finds, a change signal woke it for. */
const NEVER_POLL_MS = 10 * 60_000;
/** How long a test waits for a notification before it fails (a lost change signal). */
const PATIENCE_MS = 20_000;

/** The next notification (or page), or a failure that says none came. */
async function nextOf<T>(subscription: Subscription<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`No notification came within ${PATIENCE_MS} ms`)),
      PATIENCE_MS,
    );
  });
  try {
    const result = await Promise.race([subscription.next(), late]);
    if (result.done) throw new Error("The subscription ended");
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

/** The ids of the next `count` notifications. */
async function take(subscription: Subscription<Notification>, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push((await nextOf(subscription)).id);
  return ids;
}

/**
 * Timers keeping the process alive: a subscription that has ended leaves none. (Others of the
 * process may end meanwhile, so an ended subscription leaves at most as many as there were.)
 */
const timers = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

/** Live subscriptions: the promises every application recorder keeps. */
export function describeSubscriptions<R extends ApplicationRecorder>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R> = {},
): void {
  describe(`${name}: subscriptions`, () => {
    it(
      "catches up, then goes on live, woken by the recorder's own inserts",
      () =>
        using(create, options, async (recorder) => {
          const id = uuid4();
          await recorder.insertEvents([makeStoredEvent(id, 1, "a"), makeStoredEvent(id, 2, "b")]);
          await recorder.insertEvents([makeStoredEvent(id, 3, "c", "third")]);
          const subscription = recorder.subscribe({ pageSize: 2, pollIntervalMs: NEVER_POLL_MS });
          const caughtUp = [await nextOf(subscription), await nextOf(subscription)];
          const third = await nextOf(subscription);
          expect([...caughtUp, third].map((n) => [n.id, n.originatorVersion, n.topic])).toEqual([
            [1, 1, "a"],
            [2, 2, "b"],
            [3, 3, "c"],
          ]);
          expect(new TextDecoder().decode(third.state)).toBe("third");

          // Waiting now, it is woken by the insert.
          const waiting = nextOf(subscription);
          await recorder.insertEvents([makeStoredEvent(id, 4)]);
          expect((await waiting).id).toBe(4);
          await recorder.insertEvents([makeStoredEvent(id, 5), makeStoredEvent(id, 6)]);
          await recorder.insertEvents([makeStoredEvent(id, 7)]);
          expect(await take(subscription, 3)).toEqual([5, 6, 7]);
          expect(await subscription.return()).toEqual({ done: true, value: undefined });
        }),
      60_000,
    );

    it(
      "gives the same notifications a read at a time, as pages of at most pageSize, and an empty one once caught up after a full one",
      () =>
        using(create, options, async (recorder) => {
          const id = uuid4();
          await recorder.insertEvents(
            ["A", "B", "A", "A", "B", "A"].map((topic, i) => makeStoredEvent(id, i + 1, topic)),
          );
          const pages = recorder.subscribePages({
            topics: ["A"],
            pageSize: 2,
            pollIntervalMs: NEVER_POLL_MS,
          });
          const ids = async () => {
            const page = await nextOf(pages);
            return page.map((notification) => notification.id);
          };
          // A read that finds nothing after a full page says it has caught up: an empty page.
          expect([await ids(), await ids(), await ids()]).toEqual([[1, 3], [4, 6], []]);
          // Caught up, it waits, and a batch inserted comes as one page.
          const waiting = ids();
          await recorder.insertEvents([makeStoredEvent(id, 7, "A"), makeStoredEvent(id, 8, "B")]);
          expect(await waiting).toEqual([7]);
          expect(await pages.return()).toEqual({ done: true, value: undefined });
          expect(() => recorder.subscribePages({ pageSize: 0 })).toThrow(RangeError);
        }),
      60_000,
    );

    it(
      "follows only the notifications after `after`, and of `topics`",
      () =>
        using(create, options, async (recorder) => {
          const id = uuid4();
          await recorder.insertEvents(
            ["A", "B", "A", "C", "B"].map((topic, i) => makeStoredEvent(id, i + 1, topic)),
          );
          const subscription = recorder.subscribe({
            after: 2,
            topics: ["A", "C", "A"],
            pageSize: 1,
            pollIntervalMs: NEVER_POLL_MS,
          });
          expect(await take(subscription, 2)).toEqual([3, 4]);
          await recorder.insertEvents([makeStoredEvent(id, 6, "B"), makeStoredEvent(id, 7, "A")]);
          await recorder.insertEvents([makeStoredEvent(id, 8, "B")]);
          await recorder.insertEvents([makeStoredEvent(id, 9, "C")]);
          expect(await take(subscription, 2)).toEqual([7, 9]);
          await subscription.return();

          const fromTheEnd = recorder.subscribe({ after: 9, pollIntervalMs: NEVER_POLL_MS });
          const waiting = nextOf(fromTheEnd);
          await recorder.insertEvents([makeStoredEvent(id, 10, "B")]);
          expect((await waiting).id).toBe(10);
          await fromTheEnd.return();
          const all = recorder.subscribe({ topics: [] });
          expect(await take(all, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
          await all.return();
        }),
      60_000,
    );

    it("refuses bad options at once, naming them", () =>
      using(create, options, async (recorder) => {
        const refused: [unknown, ErrorConstructor, RegExp][] = [
          [{ after: -1 }, RangeError, /'after'.* got -1/],
          [{ after: 1.5 }, RangeError, /'after'/],
          [{ after: "1" }, TypeError, /'after'.* got string/],
          [{ topics: "A" }, TypeError, /subscribe topics must be an array of strings/],
          [{ topics: ["A", 1] }, TypeError, /subscribe topics\[1\] must be a string/],
          [{ pageSize: 0 }, RangeError, /'pageSize'/],
          [{ pollIntervalMs: -5 }, RangeError, /'pollIntervalMs'/],
          [{ pollIntervalMs: Number.NaN }, RangeError, /'pollIntervalMs'/],
          [{ signal: {} }, TypeError, /'signal'/],
          ["all", TypeError, /subscribe options must be an object/],
        ];
        for (const [given, type, message] of refused) {
          const subscribe = () => recorder.subscribe(given as Parameters<R["subscribe"]>[0]);
          expect(subscribe, JSON.stringify(given)).toThrow(type);
          expect(subscribe, JSON.stringify(given)).toThrow(message);
        }
      }));

    it(
      "yields every id once, in increasing order, while 8 writers insert",
      () =>
        using(create, options, async (recorder) => {
          const writers = options.writers ?? 8;
          const [jobs, perJob] = [10, 5];
          const total = writers * jobs * perJob;
          const subscription = recorder.subscribe({ pageSize: 7, pollIntervalMs: NEVER_POLL_MS });
          const seen: number[] = [];
          const reading = (async () => {
            while (seen.length < total) seen.push((await nextOf(subscription)).id);
          })();
          const inserted = await Promise.all(
            Array.from({ length: writers }, async () => {
              const ids: number[] = [];
              for (let job = 0; job < jobs; job++) {
                const id = uuid4();
                const events = Array.from({ length: perJob }, (_, v) => makeStoredEvent(id, v + 1));
                ids.push(...(await recorder.insertEvents(events)));
              }
              return ids;
            }),
          );
          await reading;
          await subscription.return();
          expect(seen).toEqual(inserted.flat().sort((a, b) => a - b));
          expect(seen.every((id, i) => i === 0 || id > (seen[i - 1] ?? 0))).toBe(true);
        }),
      120_000,
    );

    it(
      "ends at once on break, return() and abort, leaving no timer behind",
      () =>
        using(create, options, async (recorder) => {
          const id = uuid4();
          await recorder.insertEvents([makeStoredEvent(id, 1), makeStoredEvent(id, 2)]);
          await recorder.maxNotificationId();
          const before = timers();

          // A loop that breaks.
          const broken = recorder.subscribe({ pollIntervalMs: NEVER_POLL_MS });
          for await (const notification of broken) {
            expect(notification.id).toBe(1);
            break;
          }
          expect(await broken.next()).toEqual({ done: true, value: undefined });
          expect(timers()).toBeLessThanOrEqual(before);

          // return() while a next() waits for a change.
          const returned = recorder.subscribe({ after: 2, pollIntervalMs: NEVER_POLL_MS });
          const waiting = returned.next();
          await new Promise((resolve) => setImmediate(resolve));
          await returned.return();
          expect(await waiting).toEqual({ done: true, value: undefined });
          expect(timers()).toBeLessThanOrEqual(before);

          // The signal, aborted while a next() waits, while a page is yielded, and before.
          const controller = new AbortController();
          const aborted = recorder.subscribe({
            after: 2,
            signal: controller.signal,
            pollIntervalMs: NEVER_POLL_MS,
          });
          const pending = aborted.next();
          await new Promise((resolve) => setImmediate(resolve));
          controller.abort();
          expect(await pending).toEqual({ done: true, value: undefined });
          expect(await aborted.next()).toEqual({ done: true, value: undefined });

          const paging = new AbortController();
          const abortedMidPage = recorder.subscribe({ signal: paging.signal, pageSize: 10 });
          expect((await nextOf(abortedMidPage)).id).toBe(1);
          paging.abort();
          expect(await abortedMidPage.next()).toEqual({ done: true, value: undefined });

          const already = recorder.subscribe({ signal: AbortSignal.abort() });
          expect(await already.next()).toEqual({ done: true, value: undefined });
          // Ended before it started: it never listens.
          const unstarted = recorder.subscribe();
          await unstarted.return();
          expect(await unstarted.next()).toEqual({ done: true, value: undefined });
          expect(timers()).toBeLessThanOrEqual(before);

          // Ended, they leave the recorder as it was: a new one reads on.
          await recorder.insertEvents([makeStoredEvent(id, 3)]);
          const again = recorder.subscribe({ after: 2 });
          expect(await take(again, 1)).toEqual([3]);
          await again.return();
          expect(timers()).toBeLessThanOrEqual(before);
        }),
      60_000,
    );

    it(
      "lets several subscriptions follow one recorder, each seeing everything",
      () =>
        using(create, options, async (recorder) => {
          const subscriptions = [1, 2, 3].map(() =>
            recorder.subscribe({ pollIntervalMs: NEVER_POLL_MS }),
          );
          const all = Promise.all(subscriptions.map((subscription) => take(subscription, 4)));
          const id = uuid4();
          for (let v = 1; v <= 4; v++) await recorder.insertEvents([makeStoredEvent(id, v)]);
          expect(await all).toEqual([
            [1, 2, 3, 4],
            [1, 2, 3, 4],
            [1, 2, 3, 4],
          ]);
          await Promise.all(subscriptions.map((subscription) => subscription.return()));
        }),
      60_000,
    );
  });
}
