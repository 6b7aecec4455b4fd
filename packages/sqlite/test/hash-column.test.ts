/**
 * Events' hashes in their own column: a database made before it gets the column when its
 * tables are created again (its rows reading as events without a hash), and a column that holds
 * something other than a blob (written by hand) is read without a crash.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StoredEvent } from "@es/persistence-core";
import { makeStoredEvent } from "@es/persistence-core/testing";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import {
  SqliteAggregateRecorder,
  SqliteApplicationRecorder,
  SqliteDatastore,
  SqliteProcessRecorder,
} from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "es-sqlite-hashes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const fileName = () => join(dir, `hashes-${++counter}.db`);

/** The tables as the version before hashes made them (its schema.ts, copied). */
const OLD_TABLES = `
  CREATE TABLE "worlds_events" (
    notification_id integer PRIMARY KEY AUTOINCREMENT,
    originator_id text NOT NULL,
    originator_version integer NOT NULL,
    topic text NOT NULL,
    state blob NOT NULL);
  CREATE UNIQUE INDEX "worlds_events_sequence_idx" ON "worlds_events" (originator_id, originator_version);
  CREATE INDEX "worlds_events_topic_idx" ON "worlds_events" (topic, notification_id);
  CREATE TABLE "worlds_snapshots" (
    originator_id text NOT NULL,
    originator_version integer NOT NULL,
    topic text NOT NULL,
    state blob NOT NULL,
    CONSTRAINT "worlds_snapshots_pkey" PRIMARY KEY (originator_id, originator_version))
  WITHOUT ROWID;`;

const hash = Buffer.alloc(32, 0xab);

/** The events' hashes in hex, "none" for an event without a `hash` key. */
const hashesOf = (events: readonly StoredEvent[]) =>
  events.map((e) =>
    Object.hasOwn(e, "hash") ? Buffer.from(e.hash ?? []).toString("hex") : "none",
  );

/** Runs `body` with the driver's own connection to the database at `path`, closed after. */
function withDriver(path: string, body: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    body(db);
  } finally {
    db.close();
  }
}

/** The names of a table's columns called `hash`: one once the column is there. */
const hashColumns = (datastore: SqliteDatastore, table: string) =>
  datastore.prepare("SELECT name FROM pragma_table_info(?) WHERE name = 'hash'").all(table);

describe("a database made before events had hashes", () => {
  it("gets the hash column when its tables are created, its rows read as events without a hash", async () => {
    const path = fileName();
    withDriver(path, (db) => {
      db.exec(OLD_TABLES);
      for (const table of ["worlds_events", "worlds_snapshots"]) {
        db.prepare(
          `INSERT INTO "${table}" (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)`,
        ).run("a", 1, "T", Buffer.from("old"));
      }
    });

    const datastore = new SqliteDatastore({ path });
    try {
      const events = new SqliteProcessRecorder(datastore, "worlds_events", "worlds_tracking");
      const snapshots = new SqliteAggregateRecorder(datastore, "worlds_snapshots");
      for (const recorder of [events, snapshots]) {
        expect(hashColumns(datastore, recorder.eventsTable)).toHaveLength(0);
        recorder.createTable();
        // Again: the column is there, so nothing is added (SQLite would refuse a second one).
        recorder.createTable();
        expect(hashColumns(datastore, recorder.eventsTable)).toHaveLength(1);
        await recorder.insertEvents([{ ...makeStoredEvent("a", 2, "T", "new"), hash }]);
        const selected = await recorder.selectEvents("a");
        expect(selected.map((e) => Buffer.from(e.state).toString())).toEqual(["old", "new"]);
        expect(hashesOf(selected)).toEqual(["none", hash.toString("hex")]);
      }
      const notifications = await events.selectNotifications(1, 10);
      expect(notifications.map((n) => n.id)).toEqual([1, 2]);
      expect(hashesOf(notifications)).toEqual(["none", hash.toString("hex")]);
      const ofTopic = await events.selectNotifications(1, 10, { topics: ["T"] });
      expect(hashesOf(ofTopic)).toEqual(["none", hash.toString("hex")]);
    } finally {
      datastore.close();
    }
  });
});

describe("a hash column holding something other than a blob", () => {
  it("is read as the UTF-8 bytes of its text as SQLite writes it, and a blob of any length as it is", async () => {
    const path = fileName();
    const datastore = new SqliteDatastore({ path });
    try {
      const events = new SqliteApplicationRecorder(datastore, "worlds_events");
      const snapshots = new SqliteAggregateRecorder(datastore, "worlds_snapshots");
      events.createTable();
      snapshots.createTable();
      // Values of every other type SQLite stores, written with the driver as a hand would.
      const stored: unknown[] = ["a hash?", 42, 1.5, Buffer.from([1, 2, 3]), null];
      withDriver(path, (db) => {
        for (const table of ["worlds_events", "worlds_snapshots"]) {
          const insert = db.prepare(
            `INSERT INTO "${table}" (originator_id, originator_version, topic, state, hash) VALUES ('a', ?, 'T', x'00', ?)`,
          );
          for (const [i, value] of stored.entries()) insert.run(i + 1, value);
        }
      });
      // The driver binds 42 as a real number, whose text SQLite writes as "42.0".
      const expected = ["a hash?", "42.0", "1.5"].map((text) => Buffer.from(text).toString("hex"));
      expected.push("010203", "none");
      for (const recorder of [events, snapshots]) {
        const selected = await recorder.selectEvents("a");
        expect(hashesOf(selected)).toEqual(expected);
        for (const event of selected.slice(0, 4)) expect(event.hash).toBeInstanceOf(Uint8Array);
      }
      expect(hashesOf(await events.selectNotifications(1, 10))).toEqual(expected);
      expect(hashesOf(await events.selectNotifications(1, 10, { topics: ["T"] }))).toEqual(
        expected,
      );
      // The same value read twice gives the same bytes.
      expect(hashesOf(await events.selectEvents("a"))).toEqual(expected);
    } finally {
      datastore.close();
    }
  });
});
