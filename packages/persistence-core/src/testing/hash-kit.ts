/**
 * The conformance tests of events' hashes, which every recorder of events runs: a hash given
 * is stored as it is and returned by every select (an originator's events, notifications by
 * id, by topic, below a stop, in subscribed pages), an event given none comes back without a
 * `hash` key, and a hash that is not 32 bytes is refused before anything is written — with a
 * process recorder's tracking record or page too.
 */
import { uuid4 } from "@es/domain";
import { describe, expect, it } from "vitest";
import { DataError } from "../errors.js";
import { HASH_LENGTH } from "../hash-checks.js";
import type { AggregateRecorder, ApplicationRecorder, ProcessRecorder } from "../recorders.js";
import { type StoredEvent, tracking } from "../records.js";
import { makeStoredEvent, type RecorderKitOptions, using } from "./kit-helpers.js";

/** A hash for tests: 32 random bytes, seen by a view of a larger buffer, not from its start. */
function randomHash(): Uint8Array {
  const buffer = crypto.getRandomValues(new Uint8Array(HASH_LENGTH + 16));
  return buffer.subarray(8, 8 + HASH_LENGTH);
}

/** An event for tests, with `hash` if given. */
const hashed = (originatorId: string, version: number, hash?: Uint8Array): StoredEvent =>
  hash === undefined
    ? makeStoredEvent(originatorId, version, version % 2 === 0 ? "even" : "odd")
    : { ...makeStoredEvent(originatorId, version, version % 2 === 0 ? "even" : "odd"), hash };

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Each event's hash in hex, or "none" when it has no `hash` key (a key whose value is
 * undefined would be a failure: records without a hash have no such key).
 */
function hashesOf(events: readonly StoredEvent[]): string[] {
  return events.map((event) => {
    if (!Object.hasOwn(event, "hash")) return "none";
    expect(event.hash).toBeInstanceOf(Uint8Array);
    return hex(event.hash as Uint8Array);
  });
}

/** Events of one originator, versions 1 to `count`, hashed where `withHash(version)`. */
function eventsOf(id: string, count: number, withHash: (version: number) => boolean) {
  return Array.from({ length: count }, (_, i) =>
    hashed(id, i + 1, withHash(i + 1) ? randomHash() : undefined),
  );
}

/** What recorders refuse as a hash, with what they throw. */
const WRONG: readonly [string, unknown, new (...args: never[]) => Error][] = [
  ["31 bytes", new Uint8Array(31), DataError],
  ["33 bytes", new Uint8Array(33), DataError],
  ["no bytes", new Uint8Array(0), DataError],
  ["text", "a".repeat(32), TypeError],
  ["null", null, TypeError],
];

/** The hashes of an aggregate recorder's events: what every recorder of events promises. */
export function describeEventHashes<R extends AggregateRecorder>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R>,
): void {
  describe(`${name}: hashes`, () => {
    it("returns each event's hash as stored, and an event given none without a hash key", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        // A batch with some hashes absent, then single events with and without one.
        const batch = eventsOf(id, 6, (version) => version % 2 === 1);
        await recorder.insertEvents(batch);
        const single = [hashed(id, 7, randomHash()), hashed(id, 8)];
        for (const event of single) await recorder.insertEvents([event]);
        const all = [...batch, ...single];
        expect(hashesOf(await recorder.selectEvents(id))).toEqual(hashesOf(all));
        expect(hashesOf(await recorder.selectEvents(id, { desc: true, limit: 3 }))).toEqual(
          hashesOf(all.slice(5).reverse()),
        );
        expect(hashesOf(await recorder.selectEvents(id, { gt: 2, lte: 4 }))).toEqual(
          hashesOf(all.slice(2, 4)),
        );
      }));

    it("refuses a hash that is not 32 bytes, naming the event, and stores none of the batch", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        for (const [what, hash, error] of WRONG) {
          const wrong = { ...hashed(id, 2), hash } as StoredEvent;
          for (const events of [[wrong], [hashed(id, 1, randomHash()), wrong]]) {
            const refused = await recorder.insertEvents(events).catch((e: unknown) => e);
            expect(refused, what).toBeInstanceOf(error);
            expect(String(refused), what).toContain(`Event '${id}' version 2`);
          }
        }
        expect(await recorder.selectEvents(id)).toEqual([]);
        await recorder.insertEvents([hashed(id, 1, randomHash())]);
        expect(await recorder.selectEvents(id)).toHaveLength(1);
      }));
  });
}

/** The hashes of an application recorder's notifications, however they are selected. */
export function describeNotificationHashes<R extends ApplicationRecorder>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R>,
): void {
  describe(`${name}: notification hashes`, () => {
    it("returns each notification's hash: by id, below a stop, by topic and in subscribed pages", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        const batch = eventsOf(id, 5, (version) => version !== 2 && version !== 3);
        await recorder.insertEvents(batch);
        const single = hashed(id, 6, randomHash());
        await recorder.insertEvents([single]);
        const all = [...batch, single];
        expect(hashesOf(await recorder.selectNotifications(1, 10))).toEqual(hashesOf(all));
        expect(hashesOf(await recorder.selectNotifications(2, 10, { stop: 4 }))).toEqual(
          hashesOf(all.slice(1, 4)),
        );
        const odd = all.filter((event) => event.topic === "odd");
        expect(hashesOf(await recorder.selectNotifications(1, 10, { topics: ["odd"] }))).toEqual(
          hashesOf(odd),
        );
        const pages = recorder.subscribePages({ pageSize: 4, pollIntervalMs: 60_000 });
        try {
          const first = await pages.next();
          expect(first.done).toBe(false);
          expect(hashesOf(first.value ?? [])).toEqual(hashesOf(all.slice(0, 4)));
        } finally {
          await pages.return();
        }
      }));
  });
}

/** The hashes of a process recorder's events, written with a tracking record or a page. */
export function describeTrackedHashes<R extends ProcessRecorder>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R>,
): void {
  describe(`${name}: hashes with tracking`, () => {
    it("stores the events' hashes with a tracking record and with a page", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        const all = eventsOf(id, 5, (version) => version !== 2);
        await recorder.insertEvents(all.slice(0, 2), { tracking: tracking("up", 1) });
        await recorder.insertEvents(all.slice(2, 3), { tracking: tracking("up", 2) });
        const page = { applicationName: "up", first: 3, last: 4 };
        await recorder.insertEvents(all.slice(3), { page });
        expect(await recorder.maxTrackingId("up")).toBe(4);
        expect(hashesOf(await recorder.selectEvents(id))).toEqual(hashesOf(all));
        expect(hashesOf(await recorder.selectNotifications(1, 10))).toEqual(hashesOf(all));
      }));

    it("refuses a wrong hash with a tracking record or a page, and records neither", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        const events = [hashed(id, 1, randomHash()), hashed(id, 2, new Uint8Array(16))];
        const page = { applicationName: "up", first: 1, last: 2 };
        for (const insert of [{ tracking: tracking("up", 1) }, { page }]) {
          const refused = await recorder.insertEvents(events, insert).catch((e: unknown) => e);
          expect(refused).toBeInstanceOf(DataError);
          expect(String(refused)).toContain(`Event '${id}' version 2 has a hash of 16 bytes`);
        }
        for (const single of [{ tracking: tracking("up", 1) }, { page }]) {
          await expect(recorder.insertEvents(events.slice(1), single)).rejects.toBeInstanceOf(
            DataError,
          );
        }
        expect(await recorder.maxTrackingId("up")).toBe(0);
        expect(await recorder.selectEvents(id)).toEqual([]);
        expect(await recorder.maxNotificationId()).toBe(0);
      }));
  });
}
