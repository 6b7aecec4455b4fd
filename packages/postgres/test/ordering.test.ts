/**
 * A reader tailing the notification log never misses a committed notification: once it has
 * seen id N, no notification with an id at or below N commits later. Notification ids are
 * given after commit, by one numbering at a time, so writers are never serialised.
 *
 * The first tests drive connections statement by statement through the interleavings that
 * make a sequence-per-insert design miss notifications; the last runs 8 writers and a tailing
 * reader that must see every id exactly once, in increasing order.
 */
import { uuid4 } from "@es/domain";
import { makeStoredEvent } from "@es/persistence-core/testing";
import type pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { PostgresApplicationRecorder, TableName } from "../src/index.js";
import { numberStatement } from "../src/schema.js";
import { client, datastore, uniquePrefix } from "./server.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function recorder(maxConnections = 10): Promise<PostgresApplicationRecorder> {
  const store = datastore({ maxConnections });
  cleanups.push(() => store.close());
  const made = new PostgresApplicationRecorder(
    store,
    new TableName("public", `${uniquePrefix()}_events`),
  );
  await made.createTable();
  return made;
}

/** A connection of its own, to drive one transaction statement by statement. */
async function connection(): Promise<pg.Client> {
  const made = await client();
  cleanups.push(() => made.end());
  return made;
}

/** Writes one event in the open transaction of `client`, as the recorder does. */
async function insert(client: pg.Client, table: TableName, originatorId: string): Promise<void> {
  await client.query(
    `INSERT INTO ${table.qualified} (originator_id, originator_version, topic, state) VALUES ($1, 1, 't', '\\x00')`,
    [originatorId],
  );
}

/** A reader that remembers where it is, as a follower tailing the log does. */
function tailer(recorder: PostgresApplicationRecorder) {
  let next = 1;
  const seen: [number, string][] = [];
  return {
    seen,
    async read(): Promise<string[]> {
      const page = await recorder.selectNotifications(next, 100);
      for (const n of page) seen.push([n.id, n.originatorId]);
      if (page.length > 0) next = (page.at(-1)?.id ?? next) + 1;
      return page.map((n) => n.originatorId);
    },
  };
}

describe("notification ordering", () => {
  it("numbers no event before its transaction commits, so a later commit can't be missed", async () => {
    const events = await recorder();
    const table = events.eventsTable;
    const [early, late] = [await connection(), await connection()];
    const reader = tailer(events);
    const [first, second] = [uuid4(), uuid4()];

    // The first transaction begins and writes first (its xid and row position are the lower
    // ones, as the sequence value would be in a BIGSERIAL design), but commits second.
    await early.query("BEGIN");
    await insert(early, table, first);
    await late.query("BEGIN");
    await insert(late, table, second);
    await late.query("COMMIT");

    // Numbering now sees only the committed event: the open transaction's has no id.
    await events.datastore.execute(numberStatement(table));
    expect(await reader.read()).toEqual([second]);

    await early.query("COMMIT");
    await events.datastore.execute(numberStatement(table));
    // The event committed last is numbered after everything the reader has seen.
    expect(await reader.read()).toEqual([first]);
    expect(reader.seen.map(([id]) => id)).toEqual([1, 2]);
  });

  it("keeps numbering one at a time: two numberings never give an id twice", async () => {
    const events = await recorder();
    const table = events.eventsTable;
    const [a, b, holder] = [await connection(), await connection(), await connection()];
    for (const id of [uuid4(), uuid4(), uuid4()]) {
      await holder.query("BEGIN");
      await insert(holder, table, id);
      await holder.query("COMMIT");
    }
    // One numbering holds its lock; the other waits for it, then finds nothing left.
    await a.query("BEGIN");
    await a.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('es.number:${table.schema}.${table.name}', 0))`,
    );
    const waiting = b.query(numberStatement(table));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [{ count }] = (
      await holder.query(
        `SELECT count(*)::int AS count FROM ${table.qualified} WHERE notification_id IS NOT NULL`,
      )
    ).rows as [{ count: number }];
    expect(count).toBe(0);
    await a.query("COMMIT");
    await waiting;
    const ids = (await events.selectNotifications(1, 10)).map((n) => n.id);
    expect(ids).toEqual([1, 2, 3]);
  });

  it("numbers the events a writer committed but didn't number, when a reader reaches them", async () => {
    const events = await recorder();
    const writer = await connection();
    await writer.query("BEGIN");
    await insert(writer, events.eventsTable, "orphaned");
    await writer.query("COMMIT");
    // The writer stopped before numbering: a reader at the end of the log numbers it.
    expect((await events.selectNotifications(1, 10)).map((n) => [n.id, n.originatorId])).toEqual([
      [1, "orphaned"],
    ]);
    expect(await events.maxNotificationId()).toBe(1);
  });

  it("lets 8 writers save 1,000 times each while a tailing reader sees every id once, in order", async () => {
    const writers = 8;
    const saves = 1_000;
    const events = await recorder(writers + 2);
    const reader = tailer(events);
    let writing = true;
    const reading = (async () => {
      while (writing || reader.seen.length < writers * saves) {
        const page = await reader.read();
        if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const returned: number[] = [];
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = 0; i < saves; i++) {
          const ids = await events.insertEvents([makeStoredEvent(uuid4(), 1)]);
          returned.push(...ids);
        }
      }),
    ).finally(() => {
      writing = false;
    });
    await reading;
    const ids = reader.seen.map(([id]) => id);
    expect(ids).toHaveLength(writers * saves);
    expect(ids.every((id, i) => id === i + 1)).toBe(true);
    expect(returned.sort((a, b) => a - b)).toEqual(ids);
  }, 180_000);
});
