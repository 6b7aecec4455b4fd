/**
 * The hash chain conformance kit: events stored with a hash chain through a recorder, then
 * edited behind its back with the store's own driver, are refused when read, each edit named
 * by the first event it breaks. Every store runs it with a `ChainTamper` of its own.
 */

import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { Aggregate, event, uuid4 } from "@es/domain";
import { describe, expect, it } from "vitest";
import { Checkpointer } from "../checkpointer.js";
import {
  type Checkpoint,
  CheckpointStore,
  exportCheckpoint,
  importCheckpoint,
  signCheckpoint,
} from "../checkpoints.js";
import { IntegrityViolationError, violationPlace } from "../errors.js";
import { eventHash, genesisHash } from "../event-hashes.js";
import { EventStore } from "../event-store.js";
import { HashChain } from "../hash-chain.js";
import { LogHasher } from "../log-hash.js";
import { Mapper } from "../mapper.js";
import type { AggregateRecorder, ApplicationRecorder } from "../recorders.js";
import type { StoredEvent } from "../records.js";
import { JSONTranscoder } from "../transcoder.js";
import { type IntegrityReport, verifyStore } from "../verify-store.js";
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

/** A recorder under test, the tamper that edits its store, and a recorder for checkpoints. */
export interface ChainKitStore {
  /** The application recorder under test. */
  readonly recorder: ApplicationRecorder;
  /** Edits of its table. */
  readonly tamper: ChainTamper;
  /** An aggregate recorder in the same store (the checkpoints table). */
  readonly checkpoints: AggregateRecorder;
  /** Edits of the checkpoints table. */
  readonly checkpointTamper: ChainTamper;
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
  // As an application's: it remembers what it hashed, and must still see what was edited.
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
  show(`read refused: ${(error as Error).message}`);
  return error as IntegrityViolationError;
}

/** Shows what a tampering test found, as it is printed, beside the test's name. */
function show(what: string): void {
  console.info(`${expect.getState().currentTestName}\n  ${what}`);
}

/** A verify's report, with its first violation shown. */
function shown(report: IntegrityReport): IntegrityReport {
  const [first] = report.violations;
  show(
    first
      ? `verify: ${report.violationCount} violation(s); first: ${violationPlace(first)} (${first.kind}): ${first.detail}`
      : `verify: no violations (${report.checked} checked, ${report.checkpoints} checkpoints${report.uncheckpointed ? `, notifications ${report.uncheckpointed.from} to ${report.uncheckpointed.to} after the last` : ""})`,
  );
  return report;
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
          notificationId: 3,
          kind: "modified",
        });
        expect(error.message).toBe(
          `Stored event ${ledger.id} version 3, notification 3 of application ${APPLICATION} fails its integrity check (modified): its hash doesn't match its contents and the hash of the event before it`,
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
        // Named with the notification of the event read in its place.
        expect(error).toMatchObject({ originatorVersion: 2, notificationId: 3, kind: "missing" });
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

  describe(`${name}: verified stores and signed checkpoints`, () => {
    it("verifies a store nobody has edited against its signed checkpoints", () =>
      using(create, kitOptions, async (store) => {
        const { report, checkpoints } = await checkpointed(store);
        expect(report.violations).toEqual([]);
        expect(report).toMatchObject({
          checked: 20,
          lastNotificationId: 20,
          checkpoints: 4,
          signaturesChecked: true,
          uncheckpointed: undefined,
        });
        expect(checkpoints.map((c) => [c.sequence, c.notificationId, c.count])).toEqual([
          [1, 5, 5],
          [2, 10, 10],
          [3, 15, 15],
          [4, 20, 20],
        ]);
      }));

    it("pinpoints an event whose state was changed, and the checkpoint its range fails", () =>
      using(create, kitOptions, async (store) => {
        const { ledgers, verify } = await checkpointed(store);
        await store.tamper.setState(ledgers[1] as string, 2, new TextEncoder().encode("{}"));
        const report = await verify();
        // The event's hash still stands in the log, so its checkpoint holds: its chain fails.
        expect(report.violations).toEqual([
          {
            kind: "modified",
            applicationName: APPLICATION,
            originatorId: ledgers[1],
            originatorVersion: 2,
            notificationId: 6,
            detail: "its hash doesn't match its contents and the hash of the event before it",
          },
        ]);
      }));

    it("pinpoints changed events wherever the walk hashes them, in log order", () =>
      using(create, kitOptions, async (store) => {
        const { ledgers, verify } = await checkpointed(store);
        // Pages of 7: the first page is hashed beside the walk, the others by a worker.
        await store.tamper.setState(ledgers[4] as string, 2, new TextEncoder().encode("{}"));
        await store.tamper.setState(ledgers[2] as string, 3, new TextEncoder().encode("{}"));
        await store.tamper.setState(ledgers[0] as string, 1, new TextEncoder().encode("{}"));
        const report = await verify();
        expect(report.violations.map((v) => [v.kind, v.notificationId])).toEqual([
          ["modified", 1],
          ["modified", 11],
          ["modified", 18],
        ]);
      }));

    it("finds an aggregate's chain recomputed after an edit by its checkpoint", () =>
      using(create, kitOptions, async (store) => {
        const { ledgers, verify } = await checkpointed(store);
        const id = ledgers[1] as string;
        await store.tamper.setState(id, 2, new TextEncoder().encode("{}"));
        let previous = genesisHash(APPLICATION, id);
        for (const record of await store.recorder.selectEvents(id)) {
          const hash = eventHash(previous, record);
          await store.tamper.setHash(id, record.originatorVersion, hash);
          previous = hash;
        }
        const report = await verify();
        expect(
          report.violations.map((v) => [v.kind, v.notificationId, v.lastNotificationId]),
        ).toEqual([["checkpoint-mismatch", 6, 10]]);
        expect(report.violations[0]?.detail).toBe(
          "the notifications after checkpoint 1 don't hash to checkpoint 2 (an event in the range was changed, or one inserted and another deleted)",
        );
      }));

    it("finds an aggregate's last event deleted by its checkpoint", () =>
      using(create, kitOptions, async (store) => {
        const { ledgers, verify } = await checkpointed(store);
        await store.tamper.deleteEvent(ledgers[2] as string, 4);
        const [first, ...rest] = (await verify()).violations;
        expect(rest).toEqual([]);
        expect(first).toMatchObject({
          kind: "checkpoint-mismatch",
          notificationId: 11,
          lastNotificationId: 15,
        });
        expect(first?.detail).toContain("some were deleted");
      }));

    it("finds a whole aggregate deleted, and the log truncated, by the checkpoints", () =>
      using(create, kitOptions, async (store) => {
        const { ledgers, verify } = await checkpointed(store);
        for (let v = 1; v <= 4; v++) await store.tamper.deleteEvent(ledgers[0] as string, v);
        for (let v = 1; v <= 4; v++) await store.tamper.deleteEvent(ledgers[4] as string, v);
        const violations = (await verify()).violations;
        expect(violations.map((v) => [v.kind, v.notificationId, v.lastNotificationId])).toEqual([
          ["checkpoint-mismatch", 1, 5],
          ["checkpoint-mismatch", 16, 20],
        ]);
        expect(violations[1]?.detail).toContain("the log ends at notification 16");
      }));

    it("shows a forged event with a correctly computed hash as outside every checkpoint", () =>
      using(create, kitOptions, async (store) => {
        const { ledgers, verify } = await checkpointed(store);
        const id = ledgers[3] as string;
        const [last] = await store.recorder.selectEvents(id, { desc: true, limit: 1 });
        const forged = {
          originatorId: id,
          originatorVersion: 5,
          topic: "Ledger.Entered",
          state: new TextEncoder().encode('{"entry":"forged","timestamp":null}'),
        };
        await store.recorder.insertEvents([
          { ...forged, hash: eventHash(last?.hash as Uint8Array, forged) },
        ]);
        const report = await verify();
        expect(report.violations).toEqual([]);
        expect(report.uncheckpointed).toEqual({ from: 21, to: 21 });
      }));

    it("refuses checkpoints rewritten without the signing key", () =>
      using(create, kitOptions, async (store) => {
        const { ledgers, verify } = await checkpointed(store);
        await store.tamper.setState(ledgers[3] as string, 3, new TextEncoder().encode("{}"));
        // The intruder recomputes every checkpoint over the edited log, with a key of its own.
        const forger = generateKeyPairSync("ed25519").privateKey;
        const hasher = new LogHasher(APPLICATION);
        const log = await store.recorder.selectNotifications(1, 100);
        for (let sequence = 1; sequence <= 4; sequence++) {
          for (const n of log.slice((sequence - 1) * 5, sequence * 5)) hasher.add(n);
          const forged = signCheckpoint(
            { ...hasher.position(), applicationName: APPLICATION, sequence },
            forger,
          );
          await store.checkpointTamper.setState(
            "checkpoints",
            sequence,
            new TextEncoder().encode(JSON.stringify(exportCheckpoint(forged))),
          );
        }
        const violations = (await verify()).violations;
        expect(violations.filter((v) => v.kind === "bad-signature")).toHaveLength(4);
        expect(violations.at(-1)).toMatchObject({ kind: "modified", originatorVersion: 3 });
      }));

    it("finds a truncated log and its checkpoints by a checkpoint kept elsewhere", () =>
      using(create, kitOptions, async (store) => {
        const { checkpoints, verify } = await checkpointed(store);
        const kept = importCheckpoint(
          JSON.parse(JSON.stringify(exportCheckpoint(checkpoints[3] as Checkpoint))),
        );
        const tail = await store.recorder.selectNotifications(11, 100);
        for (const n of tail) await store.tamper.deleteEvent(n.originatorId, n.originatorVersion);
        for (const sequence of [3, 4])
          await store.checkpointTamper.deleteEvent("checkpoints", sequence);
        expect((await verify()).violations).toEqual([]);
        const violations = (await verify(kept)).violations;
        expect(violations.map((v) => v.kind)).toEqual([
          "checkpoint-missing",
          "checkpoint-mismatch",
        ]);
        expect(violations[1]?.detail).toContain("the log ends at notification 10");
      }));

    it("reports events recorded before hashing was on as an unchained range, never as intact", () =>
      using(create, kitOptions, async (store) => {
        const mapper = new Mapper({ transcoder: new JSONTranscoder() });
        const before = new EventStore({ mapper, recorder: store.recorder });
        const ledger = Ledger.create();
        ledger.enter({ entry: "unhashed" });
        await before.put(ledger.collectEvents());
        const other = Ledger.create();
        await before.put(other.collectEvents());
        const after = new EventStore({
          mapper,
          recorder: store.recorder,
          chain: new HashChain(APPLICATION),
        });
        ledger.enter({ entry: "hashed" });
        await after.put(ledger.collectEvents(), { aggregates: [ledger] });
        const report = shown(
          await verifyStore(store.recorder, { chain: new HashChain(APPLICATION) }),
        );
        expect(report.violations).toEqual([
          {
            kind: "unchained",
            applicationName: APPLICATION,
            notificationId: 1,
            lastNotificationId: 3,
            detail: "recorded without hashes (before hashing was on, or their hashes removed)",
          },
        ]);
        expect(report).toMatchObject({ checked: 4, checkpoints: 0, signaturesChecked: false });
        expect(report.uncheckpointed).toEqual({ from: 1, to: 4 });
      }));

    it("reports checkpoint records that can't be read, and never crashes on them", () =>
      using(create, kitOptions, async (store) => {
        const { verify } = await checkpointed(store);
        const hostile = ["", "null", "[]", '{"application":1}', "{not json", '{"sequence":-1}'];
        for (const [i, text] of hostile.entries()) {
          await store.checkpointTamper.setState(
            "checkpoints",
            (i % 4) + 1,
            new TextEncoder().encode(text),
          );
          const violations = (await verify()).violations;
          expect(violations.some((v) => v.kind === "bad-signature")).toBe(true);
        }
      }));

    it(
      "verifies a clean store of 100,000 events, checkpointed every 10,000, and finds nothing",
      () =>
        using(create, kitOptions, async (store) => {
          const state = new TextEncoder().encode('{"entry":"e","timestamp":null}');
          for (let batch = 0; batch < 20; batch++) {
            const events: StoredEvent[] = [];
            for (let a = 0; a < 500; a++) {
              const id = uuid4();
              let previous = genesisHash(APPLICATION, id);
              for (let v = 1; v <= 10; v++) {
                const event = {
                  originatorId: id,
                  originatorVersion: v,
                  topic: "Ledger.Entered",
                  state,
                };
                const hash = eventHash(previous, event);
                events.push({ ...event, hash });
                previous = hash;
              }
            }
            await store.recorder.insertEvents(events);
          }
          const key = generateKeyPairSync("ed25519").privateKey;
          const checkpoints = new CheckpointStore(store.checkpoints);
          const checkpointer = new Checkpointer({
            applicationName: APPLICATION,
            recorder: store.recorder,
            checkpoints,
            signingKey: key,
            every: 10_000,
          });
          expect(await checkpointer.catchUp()).toHaveLength(10);
          const report = shown(
            await verifyStore(store.recorder, {
              chain: new HashChain(APPLICATION),
              checkpoints,
              publicKey: createPublicKey(key),
            }),
          );
          expect(report).toMatchObject({
            violations: [],
            violationCount: 0,
            checked: 100_000,
            checkpoints: 10,
            uncheckpointed: undefined,
          });
        }),
      120_000,
    );

    it("keeps one sequence of checkpoints when two checkpointers race", () =>
      using(create, kitOptions, async (store) => {
        const { key } = await written(store);
        const make = () =>
          new Checkpointer({
            applicationName: APPLICATION,
            recorder: store.recorder,
            checkpoints: new CheckpointStore(store.checkpoints),
            signingKey: key,
            every: 3,
          });
        await Promise.all([make().catchUp({ final: true }), make().catchUp({ final: true })]);
        const all = await new CheckpointStore(store.checkpoints).all();
        expect(all.map((c) => c.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        const report = await verifyStore(store.recorder, {
          chain: new HashChain(APPLICATION),
          checkpoints: new CheckpointStore(store.checkpoints),
          publicKey: createPublicKey(key),
        });
        expect(report.violations).toEqual([]);
        expect(report.uncheckpointed).toBeUndefined();
      }));

    it("won't checkpoint on from a checkpoint another key signed", () =>
      using(create, kitOptions, async (store) => {
        const { checkpointer } = await checkpointed(store);
        const other = new Checkpointer({
          applicationName: APPLICATION,
          recorder: store.recorder,
          checkpoints: new CheckpointStore(store.checkpoints),
          signingKey: generateKeyPairSync("ed25519").privateKey,
        });
        await expect(other.catchUp()).rejects.toThrow(
          `Checkpoint 4 of application ${APPLICATION} is not signed by this key`,
        );
        expect(await checkpointer.catchUp()).toEqual([]);
      }));
  });
}

/** Five ledgers of four events each, stored with a hash chain: notifications 1 to 20. */
async function written(store: ChainKitStore) {
  const events = new EventStore({
    mapper: new Mapper({ transcoder: new JSONTranscoder(), applicationName: APPLICATION }),
    recorder: store.recorder,
    chain: new HashChain(APPLICATION),
  });
  const ledgers = Array.from({ length: 5 }, () => Ledger.create());
  for (const ledger of ledgers) {
    for (let i = 2; i <= 4; i++) ledger.enter({ entry: `entry ${i}` });
    await events.put(ledger.collectEvents(), { aggregates: [ledger] });
  }
  return {
    ledgers: ledgers.map((ledger) => ledger.id),
    key: generateKeyPairSync("ed25519").privateKey,
  };
}

/** The ledgers, checkpointed every five notifications, and a verify of the store. */
async function checkpointed(store: ChainKitStore) {
  const { ledgers, key } = await written(store);
  const checkpointStore = new CheckpointStore(store.checkpoints);
  const checkpointer = new Checkpointer({
    applicationName: APPLICATION,
    recorder: store.recorder,
    checkpoints: checkpointStore,
    signingKey: key,
    every: 5,
  });
  const checkpoints = await checkpointer.catchUp({ final: true });
  const verify = async (checkpoint?: Checkpoint) =>
    shown(
      await verifyStore(store.recorder, {
        chain: new HashChain(APPLICATION),
        checkpoints: checkpointStore,
        publicKey: createPublicKey(key),
        checkpoint,
        pageSize: 7,
      }),
    );
  return { ledgers, checkpoints, checkpointer, verify, report: await verify() };
}
