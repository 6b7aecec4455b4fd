/**
 * Infrastructure factory promises, for adapters: the factory the
 * environment names is constructed, gives the adapter's recorders (with and without
 * `CREATE_TABLE`), and a mapper without codecs unless the environment names some; and, where
 * the adapter describes its store, the description counts the store's rows and tracking.
 */
import { describe, expect, it } from "vitest";
import type { EnvValues } from "../environment.js";
import { IntegrityError } from "../errors.js";
import {
  InfrastructureFactory as Factory,
  type InfrastructureFactory,
} from "../infrastructure-factory.js";
import { Mapper } from "../mapper.js";
import { type StoredEvent, tracking } from "../records.js";
import { keyOf, type RecordKey } from "../stored-records.js";
import { makeStoredEvent } from "./kit-helpers.js";

type AnyClass = abstract new (...args: never[]) => unknown;

/** What the factory conformance tests need to know of an adapter. */
export interface FactoryKitOptions {
  /** The environment that selects and configures the adapter. */
  readonly env: () => EnvValues | Promise<EnvValues>;
  /** The adapter's factory class, which that environment should construct. */
  readonly factoryClass: AnyClass;
  /** The class of the recorders it gives for snapshots (and other sequences). */
  readonly aggregateRecorderClass: AnyClass;
  /** The class of the application recorders it gives. */
  readonly applicationRecorderClass: AnyClass;
  /** The class of the tracking recorders it gives. */
  readonly trackingRecorderClass: AnyClass;
  /** The class of the process recorders it gives. */
  readonly processRecorderClass: AnyClass;
  /**
   * How the adapter describes its store (`describeStore`); the description is tested only when
   * given, and then each call of `env` must configure a store of its own (a new file, a new
   * schema), so that its tables are the test's alone.
   */
  readonly description?: StoreDescriptionKit;
}

/** What the factory conformance tests need to know to test an adapter's `describeStore`. */
export interface StoreDescriptionKit {
  /** The store the description names: `@es/sqlite`. */
  readonly store: string;
  /** The location the description gives of the store that `env` configured. */
  readonly location: (env: EnvValues) => string;
  /**
   * Makes a table of that name, with one text column `note`, in the factory's store (the
   * schema or file its recorders' tables are in).
   */
  readonly createNoteTable: (factory: InfrastructureFactory, name: string) => Promise<void>;
}

/**
 * Declares the vitest tests of an adapter's infrastructure factory: the environment given
 * constructs the adapter's factory, with a mapper without codecs, and the factory gives the
 * adapter's recorders with tables created and not.
 *
 * @example
 * ```ts
 * describeInfrastructureFactory("SQLite", {
 *   env: () => ({ INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: ":memory:" }),
 *   factoryClass: SqliteFactory,
 *   aggregateRecorderClass: SqliteAggregateRecorder,
 *   applicationRecorderClass: SqliteApplicationRecorder,
 *   trackingRecorderClass: SqliteTrackingRecorder,
 *   processRecorderClass: SqliteProcessRecorder,
 * });
 * ```
 */
export function describeInfrastructureFactory(name: string, options: FactoryKitOptions): void {
  const construct = async (extra: EnvValues = {}): Promise<InfrastructureFactory> =>
    Factory.construct({ applicationName: "TestCase", env: { ...(await options.env()), ...extra } });
  const { description } = options;

  describe(`${name}: infrastructure factory`, () => {
    it("is the factory the environment names, with a plain mapper", async () => {
      const factory = await construct();
      try {
        expect(factory).toBeInstanceOf(options.factoryClass);
        const mapper = factory.mapper();
        expect(mapper).toBeInstanceOf(Mapper);
        expect(mapper.cipher).toBeUndefined();
        expect(mapper.compressor).toBeUndefined();
      } finally {
        await factory.close();
      }
    });

    it.each(["y", "n"])("gives the adapter's recorders (CREATE_TABLE=%s)", async (createTable) => {
      const factory = await construct({ CREATE_TABLE: createTable });
      try {
        expect(await factory.aggregateRecorder("snapshots")).toBeInstanceOf(
          options.aggregateRecorderClass,
        );
        expect(await factory.applicationRecorder()).toBeInstanceOf(
          options.applicationRecorderClass,
        );
        expect(await factory.trackingRecorder()).toBeInstanceOf(options.trackingRecorderClass);
        expect(await factory.processRecorder()).toBeInstanceOf(options.processRecorderClass);
      } finally {
        await factory.close();
      }
    });

    // Declared only for an adapter that describes its store, so no test is reported skipped.
    if (description !== undefined) {
      it("describes the store: each table with its rows, and each tracking table's positions", async () => {
        const env = await options.env();
        const worlds = await Factory.construct({ applicationName: "Worlds", env });
        // Another application in the same store: its tables are the store's too.
        const counters = await Factory.construct({ applicationName: "Counters", env });
        try {
          const events = await worlds.applicationRecorder();
          await events.insertEvents([1, 2, 3].map((version) => makeStoredEvent("w1", version)));
          const worldsTracking = await worlds.trackingRecorder();
          for (const [upstream, id] of [
            ["Upstream", 5],
            ["Upstream", 7],
            ["Other", 2],
          ] as const) {
            await worldsTracking.insertTracking(tracking(upstream, id));
          }
          await (await counters.processRecorder()).insertEvents([makeStoredEvent("c1", 1)], {
            tracking: tracking("Worlds", 3),
          });
          // Named like a tracking table, but without a tracking table's columns.
          await description.createNoteTable(worlds, "notes_tracking");

          // The tables its recorders keep their records in, named as the description names them.
          expect(worlds.recorderTableName("events")).toBe("worlds_events");
          expect(counters.recorderTableName("tracking")).toBe("counters_tracking");
          expect(await worlds.describeStore()).toEqual({
            store: description.store,
            location: description.location(env),
            tables: [
              { name: "counters_events", rows: 1 },
              { name: "counters_tracking", rows: 1 },
              { name: "notes_tracking", rows: 0 },
              { name: "worlds_events", rows: 3 },
              { name: "worlds_tracking", rows: 3 },
            ],
            tracking: [
              { table: "counters_tracking", applicationName: "Worlds", notificationId: 3 },
              { table: "worlds_tracking", applicationName: "Other", notificationId: 2 },
              { table: "worlds_tracking", applicationName: "Upstream", notificationId: 7 },
            ],
          });
        } finally {
          await counters.close();
          await worlds.close();
        }
      });

      it("gives its records as stored, kind by kind in key order, and takes them into another store", async () => {
        const hash = new Uint8Array(32).fill(9);
        const source = await Factory.construct({
          applicationName: "Worlds",
          env: await options.env(),
        });
        const target = await Factory.construct({
          applicationName: "Worlds",
          env: await options.env(),
        });
        try {
          // Ids whose order by UTF-8 bytes is not their order by a collation: "B" < "a" < "ä" < "é".
          const ids = ["é", "a", "B", "ä"];
          const events = await source.applicationRecorder();
          for (const id of ids) {
            await events.insertEvents([
              makeStoredEvent(id, 1, "Created", `{"id":"${id}"}`),
              { ...makeStoredEvent(id, 2, "Moved", "\u0000 bytes"), hash },
            ]);
          }
          const snapshots = await source.aggregateRecorder("snapshots");
          for (const id of ids) await snapshots.insertEvents([makeStoredEvent(id, 2, "Snapshot")]);
          const trackingRecorder = await source.trackingRecorder();
          for (const [upstream, id] of [
            ["b", 4],
            ["A", 2],
            ["b", 5],
          ] as const) {
            await trackingRecorder.insertTracking(tracking(upstream, id));
          }
          const from = await source.storedRecords();
          expect(await from.kinds()).toEqual(["events", "snapshots", "tracking"]);
          expect(await from.count("events")).toBe(8);
          expect(await from.lastKey("events")).toEqual([8]);
          expect(await from.lastKey("snapshots")).toEqual(["é", 2]);
          expect(await from.lastKey("tracking")).toEqual(["b", 5]);
          const snapshotKeys = (await from.read("snapshots", undefined, 10)).map(
            (s) => s.originatorId,
          );
          expect(snapshotKeys).toEqual(["B", "a", "ä", "é"]);
          expect(await from.read("tracking", ["A", 2], 10)).toEqual([
            tracking("b", 4),
            tracking("b", 5),
          ]);

          // Copied in pages of 3, after the last key of each page.
          await target.applicationRecorder();
          await target.aggregateRecorder("snapshots");
          await target.trackingRecorder();
          const into = await target.storedRecords();
          for (const kind of ["events", "snapshots", "tracking"] as const) {
            expect(await into.lastKey(kind)).toBeUndefined();
            let after: RecordKey | undefined;
            for (;;) {
              const page = await from.read(kind, after, 3);
              if (page.length === 0) break;
              await into.write(kind, page);
              after = keyOf(kind, page.at(-1) as never);
            }
            expect(await into.read(kind, undefined, 100)).toEqual(
              await from.read(kind, undefined, 100),
            );
            expect(await into.count(kind)).toBe(await from.count(kind));
          }
          // Notification ids as they were, and new events after the largest.
          const copied = await target.applicationRecorder();
          expect(
            (await copied.selectNotifications(1, 10)).map((n) => [n.id, n.originatorId, n.hash]),
          ).toEqual(
            (await events.selectNotifications(1, 10)).map((n) => [n.id, n.originatorId, n.hash]),
          );
          expect(await copied.insertEvents([makeStoredEvent("new", 1)])).toEqual([9]);
          // A record stored already refuses the whole page.
          const [first] = await from.read("snapshots", undefined, 1);
          await expect(
            into.write("snapshots", [makeStoredEvent("fresh", 1), first as StoredEvent]),
          ).rejects.toThrow(IntegrityError);
          expect(await into.count("snapshots")).toBe(4);
        } finally {
          await target.close();
          await source.close();
        }
      });
    }
  });
}
