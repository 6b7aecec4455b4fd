/**
 * The hash chain conformance kit: events stored with a hash chain through a recorder, then
 * edited behind its back with the store's own driver, are refused when read, each edit named
 * by the first event it breaks. Every store runs it with a `ChainTamper` of its own.
 */
import { Aggregate, event } from "@es/domain";
import { describe, expect, it } from "vitest";
import { IntegrityViolationError } from "../errors.js";
import { eventHash, genesisHash } from "../event-hashes.js";
import { EventStore } from "../event-store.js";
import { HashChain } from "../hash-chain.js";
import { Mapper } from "../mapper.js";
import type { ApplicationRecorder } from "../recorders.js";
import { JSONTranscoder } from "../transcoder.js";
import { using } from "./kit-helpers.js";

/** Edits of a store's stored events, made with its driver as an intruder would. */
export interface ChainTamper {
  /** Replaces an event's state bytes. */
  setState(originatorId: string, version: number, state: Uint8Array): Promise<void>;
  /** Replaces an event's topic. */
  setTopic(originatorId: string, version: number, topic: string): Promise<void>;
  /** Replaces an event's hash column with a value: null, or bytes of any length. */
  setHash(originatorId: string, version: number, hash: Uint8Array | null): Promise<void>;
  /** Swaps the versions of two events of an aggregate. */
  swapVersions(originatorId: string, a: number, b: number): Promise<void>;
  /** Deletes an event. */
  deleteEvent(originatorId: string, version: number): Promise<void>;
}

/** A recorder under test, and the tamper that edits its store. */
export interface ChainKitStore {
  readonly recorder: ApplicationRecorder;
  readonly tamper: ChainTamper;
}

/** How the hash chain kit makes and releases stores. */
export interface ChainKitOptions {
  /** Releases a store made for a test. */
  readonly dispose?: (store: ChainKitStore) => Promise<void> | void;
}

const APPLICATION = "Ledgers";

class Ledger extends Aggregate {
  entries: string[] = [];

  @event("Entered")
  enter({ entry }: { entry: string }) {
    this.entries.push(entry);
  }
}

/** Stores a ledger of `count` events (created, then entries) with a hash chain. */
async function stored(recorder: ApplicationRecorder, count = 4) {
  const store = new EventStore({
    mapper: new Mapper({ transcoder: new JSONTranscoder(), applicationName: APPLICATION }),
    recorder,
    chain: new HashChain(APPLICATION),
  });
  const ledger = Ledger.create();
  for (let i = 2; i <= count; i++) ledger.enter({ entry: `entry ${i}` });
  await store.put(ledger.collectEvents(), { aggregates: [ledger] });
  return { store, ledger };
}

async function violation(store: EventStore, id: string) {
  const error = await store.get(id).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IntegrityViolationError);
  return error as IntegrityViolationError;
}

/** Defines the hash chain tests of a store. */
export function describeHashChain(
  name: string,
  create: () => Promise<ChainKitStore>,
  options: ChainKitOptions = {},
): void {
  const kitOptions = options.dispose ? { dispose: options.dispose } : {};
  describe(`${name}: hash-chained events`, () => {
    it("chains each event's hash to the one before, from a genesis bound to the application and aggregate", () =>
      using(create, kitOptions, async ({ recorder }) => {
        const { ledger } = await stored(recorder, 3);
        const records = await recorder.selectEvents(ledger.id);
        let previous = genesisHash(APPLICATION, ledger.id);
        for (const record of records) {
          expect(record.hash).toEqual(eventHash(previous, record));
          previous = record.hash as Uint8Array;
        }
        const [notification] = await recorder.selectNotifications(1, 1);
        expect(notification?.hash).toEqual(records[0]?.hash);
      }));

    it("reads back the events of a store nobody has edited", () =>
      using(create, kitOptions, async ({ recorder }) => {
        const { store, ledger } = await stored(recorder);
        const events = await store.get(ledger.id);
        expect(events.map((e) => e.originatorVersion)).toEqual([1, 2, 3, 4]);
      }));

    it("continues an aggregate's chain from the head its last save left it", () =>
      using(create, kitOptions, async ({ recorder }) => {
        const { store, ledger } = await stored(recorder, 2);
        ledger.enter({ entry: "later" });
        await store.put(ledger.collectEvents(), { aggregates: [ledger] });
        const other = Ledger.create();
        await store.put(other.collectEvents(), { aggregates: [other] });
        // Without the aggregate, the head is read from the store.
        other.enter({ entry: "elsewhere" });
        await store.put(other.collectEvents());
        expect(await store.get(ledger.id)).toHaveLength(3);
        expect(await store.get(other.id)).toHaveLength(2);
      }));

    it("refuses an event whose state was changed, naming it", () =>
      using(create, kitOptions, async ({ recorder, tamper }) => {
        const { store, ledger } = await stored(recorder);
        await tamper.setState(ledger.id, 3, new TextEncoder().encode('{"entry":"forged"}'));
        const error = await violation(store, ledger.id);
        expect(error).toMatchObject({
          applicationName: APPLICATION,
          originatorId: ledger.id,
          originatorVersion: 3,
          kind: "modified",
        });
        expect(error.message).toBe(
          `Stored event ${ledger.id} version 3 of application ${APPLICATION}, fails its integrity check (modified): its hash doesn't match its contents and the hash of the event before it`,
        );
      }));

    it("refuses an event whose topic was changed", () =>
      using(create, kitOptions, async ({ recorder, tamper }) => {
        const { store, ledger } = await stored(recorder);
        await tamper.setTopic(ledger.id, 2, "Ledger.Created");
        expect(await violation(store, ledger.id)).toMatchObject({
          originatorVersion: 2,
          kind: "modified",
        });
      }));

    it("refuses two events whose versions were swapped", () =>
      using(create, kitOptions, async ({ recorder, tamper }) => {
        const { store, ledger } = await stored(recorder);
        await tamper.swapVersions(ledger.id, 2, 3);
        expect(await violation(store, ledger.id)).toMatchObject({
          originatorVersion: 2,
          kind: "modified",
        });
      }));

    it("refuses an aggregate with an event deleted from the middle, naming the version missing", () =>
      using(create, kitOptions, async ({ recorder, tamper }) => {
        const { store, ledger } = await stored(recorder);
        await tamper.deleteEvent(ledger.id, 2);
        const error = await violation(store, ledger.id);
        expect(error).toMatchObject({ originatorVersion: 2, kind: "missing" });
        expect(error.message).toContain("the versions go from 1 to 3");
      }));

    it("refuses an aggregate whose first event was deleted", () =>
      using(create, kitOptions, async ({ recorder, tamper }) => {
        const { store, ledger } = await stored(recorder);
        await tamper.deleteEvent(ledger.id, 1);
        expect(await violation(store, ledger.id)).toMatchObject({
          originatorVersion: 1,
          kind: "missing",
        });
      }));

    it("takes hostile values in the hash column as violations, never crashes", () =>
      using(create, kitOptions, async ({ recorder, tamper }) => {
        const { store, ledger } = await stored(recorder);
        await tamper.setHash(ledger.id, 3, null);
        expect(await violation(store, ledger.id)).toMatchObject({
          originatorVersion: 3,
          kind: "unchained",
        });
        for (const hash of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(64)]) {
          await tamper.setHash(ledger.id, 3, hash);
          expect(await violation(store, ledger.id)).toMatchObject({
            originatorVersion: 3,
            kind: "malformed",
          });
        }
        await tamper.setHash(ledger.id, 3, new Uint8Array(32));
        expect(await violation(store, ledger.id)).toMatchObject({
          originatorVersion: 3,
          kind: "modified",
        });
      }));

    it("reads events recorded before hashing was on, and chains new ones from genesis after them", () =>
      using(create, kitOptions, async ({ recorder }) => {
        const mapper = new Mapper({ transcoder: new JSONTranscoder() });
        const before = new EventStore({ mapper, recorder });
        const ledger = Ledger.create();
        ledger.enter({ entry: "unhashed" });
        await before.put(ledger.collectEvents());
        const after = new EventStore({ mapper, recorder, chain: new HashChain(APPLICATION) });
        ledger.enter({ entry: "hashed" });
        await after.put(ledger.collectEvents(), { aggregates: [ledger] });
        const records = await recorder.selectEvents(ledger.id);
        expect(records.map((r) => r.hash === undefined)).toEqual([true, true, false]);
        expect(records[2]?.hash).toEqual(
          eventHash(genesisHash(APPLICATION, ledger.id), records[2] as (typeof records)[2] & {}),
        );
        expect(await after.get(ledger.id)).toHaveLength(3);
      }));

    it("stores nothing and reads nothing differently when hashing is off", () =>
      using(create, kitOptions, async ({ recorder }) => {
        const store = new EventStore({
          mapper: new Mapper({ transcoder: new JSONTranscoder() }),
          recorder,
        });
        const ledger = Ledger.create();
        await store.put(ledger.collectEvents());
        const [record] = await recorder.selectEvents(ledger.id);
        expect(record && "hash" in record).toBe(false);
      }));
  });
}
