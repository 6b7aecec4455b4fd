/**
 * Events' hashes in their own column: tables made before it get the column when their
 * recorder creates its tables (their rows reading as events without a hash), a start finding
 * it there locks nothing, and a column holding something else (written by hand) is read without
 * a crash.
 */
import type { StoredEvent } from "@es/persistence-core";
import { makeStoredEvent } from "@es/persistence-core/testing";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import {
  PostgresAggregateRecorder,
  PostgresApplicationRecorder,
  PostgresProcessRecorder,
  type TableName,
} from "../src/index.js";
import { closedAfter, connection, table } from "./server.js";

/** The events tables as the version before hashes made them (its schema.ts, copied). */
function oldTables(events: TableName, snapshots: TableName): string {
  const sequence = `"${events.schema}".${events.derived("notification_id_seq")}`;
  return `
    CREATE SEQUENCE IF NOT EXISTS ${sequence} AS bigint MAXVALUE ${2 ** 47 - 1} CACHE 1;
    CREATE TABLE IF NOT EXISTS ${events.qualified} (
      originator_id text NOT NULL,
      originator_version bigint NOT NULL,
      topic text NOT NULL,
      state bytea NOT NULL,
      notification_id bigint NOT NULL,
      CONSTRAINT ${events.derived("pkey")} PRIMARY KEY (originator_id, originator_version));
    ALTER SEQUENCE ${sequence} OWNED BY ${events.qualified}.notification_id;
    CREATE UNIQUE INDEX IF NOT EXISTS ${events.derived("notification_id_idx")}
      ON ${events.qualified} (notification_id);
    CREATE INDEX IF NOT EXISTS ${events.derived("topic_idx")}
      ON ${events.qualified} (topic, notification_id);
    CREATE TABLE IF NOT EXISTS ${snapshots.qualified} (
      originator_id text NOT NULL,
      originator_version bigint NOT NULL,
      topic text NOT NULL,
      state bytea NOT NULL,
      CONSTRAINT ${snapshots.derived("pkey")} PRIMARY KEY (originator_id, originator_version));`;
}

/** Inserts an event with the driver, as the version before hashes did (no hash column named). */
async function insertOld(on: pg.Client, events: TableName, snapshots: TableName): Promise<void> {
  const sequence = `"${events.schema}".${events.derived("notification_id_seq")}`;
  await on.query(
    `INSERT INTO ${events.qualified} (notification_id, originator_id, originator_version, topic, state)
     VALUES (nextval('${sequence}'), 'a', 1, 'T', $1)`,
    [Buffer.from("old")],
  );
  await on.query(
    `INSERT INTO ${snapshots.qualified} (originator_id, originator_version, topic, state) VALUES ('a', 1, 'T', $1)`,
    [Buffer.from("old")],
  );
}

/** How many columns called `hash` a table has: one once the column is there. */
async function hashColumns(on: pg.Client, of: TableName): Promise<number> {
  const { rows } = await on.query(
    `SELECT count(*)::int AS n FROM information_schema.columns
     WHERE table_schema = $1 AND table_name = $2 AND column_name = 'hash'`,
    [of.schema, of.name],
  );
  return rows[0]?.n as number;
}

const hash = Buffer.alloc(32, 0xcd);

/** The events' hashes in hex, "none" for an event without a `hash` key. */
const hashesOf = (events: readonly StoredEvent[]) =>
  events.map((e) =>
    Object.hasOwn(e, "hash") ? Buffer.from(e.hash ?? []).toString("hex") : "none",
  );

const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms),
    ),
  ]);

describe("events tables made before events had hashes", () => {
  it("get the hash column when their tables are created, their rows read as events without a hash", async () => {
    const [events, snapshots, tracking] = [table("events"), table("snapshots"), table("tracking")];
    const admin = await connection();
    await admin.query(oldTables(events, snapshots));
    await insertOld(admin, events, snapshots);
    expect(await hashColumns(admin, events)).toBe(0);
    expect(await hashColumns(admin, snapshots)).toBe(0);

    const store = closedAfter();
    const processes = new PostgresProcessRecorder(store, events, tracking);
    const aggregates = new PostgresAggregateRecorder(store, snapshots);
    for (const recorder of [processes, aggregates]) {
      await recorder.createTable();
      expect(await hashColumns(admin, recorder.eventsTable)).toBe(1);
      await recorder.insertEvents([{ ...makeStoredEvent("a", 2, "T", "new"), hash }]);
      const selected = await recorder.selectEvents("a");
      expect(selected.map((e) => Buffer.from(e.state).toString())).toEqual(["old", "new"]);
      expect(hashesOf(selected)).toEqual(["none", hash.toString("hex")]);
    }
    const expected = ["none", hash.toString("hex")];
    expect(hashesOf(await processes.selectNotifications(1, 10))).toEqual(expected);
    expect(hashesOf(await processes.selectNotifications(1, 10, { topics: ["T"] }))).toEqual(
      expected,
    );
    // A batch (the many-row insert) on the table altered, with and without hashes.
    await processes.insertEvents([makeStoredEvent("b", 1), { ...makeStoredEvent("b", 2), hash }]);
    expect(hashesOf(await processes.selectEvents("b"))).toEqual(expected);
  });

  it("are left alone, unlocked, once they have it: saves in flight don't hold up a start", async () => {
    const [events, snapshots] = [table("events"), table("snapshots")];
    const admin = await connection();
    await admin.query(oldTables(events, snapshots));
    await new PostgresApplicationRecorder(closedAfter(), events).createTable();
    const saver = await connection();
    await saver.query("BEGIN");
    // What a save in flight holds on its table: ALTER TABLE would wait for it.
    await saver.query(`LOCK TABLE ${events.qualified} IN ROW EXCLUSIVE MODE`);
    const again = new PostgresApplicationRecorder(closedAfter(), events);
    await within(5_000, "starting again beside a save", again.createTable());
    await saver.query("ROLLBACK");
  });
});

describe("a hash column holding what no recorder writes", () => {
  it("is read as it is when it is bytes of another length, and as its text's bytes when not bytes", async () => {
    const [events, snapshots] = [table("events"), table("snapshots")];
    const admin = await connection();
    await admin.query(oldTables(events, snapshots));
    // A hash column made by hand, of another type: the recorder leaves a column it finds.
    await admin.query(`ALTER TABLE ${snapshots.qualified} ADD COLUMN hash text`);
    await admin.query(
      `INSERT INTO ${snapshots.qualified} (originator_id, originator_version, topic, state, hash) VALUES ('a', 1, 'T', '\\x00', 'not bytes')`,
    );
    const aggregates = new PostgresAggregateRecorder(closedAfter(), snapshots);
    await aggregates.createTable();
    expect(hashesOf(await aggregates.selectEvents("a"))).toEqual([
      Buffer.from("not bytes").toString("hex"),
    ]);

    const applications = new PostgresApplicationRecorder(closedAfter(), events);
    await applications.createTable();
    const sequence = `"${events.schema}".${events.derived("notification_id_seq")}`;
    await admin.query(
      `INSERT INTO ${events.qualified} (notification_id, originator_id, originator_version, topic, state, hash)
       VALUES (nextval('${sequence}'), 'a', 1, 'T', '\\x00', '\\x010203')`,
    );
    const [selected] = await applications.selectEvents("a");
    expect(selected?.hash).toBeInstanceOf(Uint8Array);
    expect(hashesOf(await applications.selectEvents("a"))).toEqual(["010203"]);
    expect(hashesOf(await applications.selectNotifications(1, 10))).toEqual(["010203"]);
  });
});
