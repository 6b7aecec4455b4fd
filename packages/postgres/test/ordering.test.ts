/**
 * A reader tailing the notification log never misses a committed notification: once it has
 * seen id N, no notification with an id at or below N commits later. Ids are taken from a
 * sequence when events are inserted, and commits come in any order; each writer publishes a
 * lower bound of its ids before it takes them, and readers read only below the lowest bound
 * of the writers still in flight. Writers wait for each other only to allocate their ids, never
 * for each other's commits.
 *
 * The first tests hold transactions open statement by statement, through the interleavings in
 * which a plain sequence lets readers miss notifications; the last run many writers, some with
 * transactions left open for random times, and a tailing reader that must see every id once,
 * in increasing order.
 */
import { uuid4 } from "@es/domain";
import { IntegrityError } from "@es/persistence-core";
import { makeStoredEvent } from "@es/persistence-core/testing";
import { describe, expect, it } from "vitest";
import { PostgresApplicationRecorder } from "../src/index.js";
import { insertApplicationStatement, lockNamespace } from "../src/schema.js";
import { commitOutOfOrder, insert } from "./in-flight.js";
import { connection, recorder, sessionEnded, table, waitingForLock } from "./server.js";

/** An application recorder on a datastore of its own. */
const applicationRecorder = (maxConnections = 10) =>
  recorder((store) => new PostgresApplicationRecorder(store, table("events")), { maxConnections });

/** A reader that remembers where it is, as a follower tailing the log does. */
function tailer(recorder: PostgresApplicationRecorder) {
  let next = 1;
  const seen: number[] = [];
  return {
    seen,
    async read(): Promise<string[]> {
      const page = await recorder.selectNotifications(next, 100);
      for (const n of page) seen.push(n.id);
      if (page.length > 0) next = (page.at(-1)?.id ?? next) + 1;
      return page.map((n) => n.originatorId);
    },
  };
}

describe("notification ordering", () => {
  it("reads nothing past an id that a transaction in flight may still commit", async () => {
    const events = await applicationRecorder();
    const [early, late] = [await connection(), await connection()];
    const reader = tailer(events);
    const [first, second] = [uuid4(), uuid4()];

    // The first transaction takes the lower id but commits second.
    await early.query("BEGIN");
    expect(await insert(early, events.eventsTable, first)).toBe(1);
    await late.query("BEGIN");
    expect(await insert(late, events.eventsTable, second)).toBe(2);
    await late.query("COMMIT");

    // Id 2 is committed, but id 1 may still be: the reader stops below 1.
    expect(await reader.read()).toEqual([]);
    expect(await events.maxNotificationId()).toBe(0);

    await early.query("COMMIT");
    expect(await reader.read()).toEqual([first, second]);
    expect(await events.maxNotificationId()).toBe(2);
    expect(reader.seen).toEqual([1, 2]);
  });

  it("reads nothing of some topics past an id in flight, however few rows match below it", async () => {
    const events = await applicationRecorder();
    const ids = (start: number, options: { stop?: number; topics?: string[] }) =>
      events.selectNotifications(start, 10, options).then((page) => page.map((n) => n.id));
    await events.insertEvents([makeStoredEvent(uuid4(), 1, "A"), makeStoredEvent(uuid4(), 1, "B")]);
    expect(await ids(1, { topics: ["A"] })).toEqual([1]);
    const [early, late] = [await connection(), await connection()];

    // An A takes id 3 and stays in flight; a B and an A after it commit (ids 4 and 5).
    await early.query("BEGIN");
    expect(await insert(early, events.eventsTable, uuid4(), "A")).toBe(3);
    await late.query("BEGIN");
    expect(await insert(late, events.eventsTable, uuid4(), "B")).toBe(4);
    expect(await insert(late, events.eventsTable, uuid4(), "A")).toBe(5);
    await late.query("COMMIT");

    // A reader of A at 2 finds nothing: 5 is committed, but 3 may still be. Nor does a reader of
    // B see 4, nor one that stops at 5; a stop below the bound reads what is below it.
    expect(await ids(2, { topics: ["A"] })).toEqual([]);
    expect(await ids(2, { topics: ["B"] })).toEqual([2]);
    expect(await ids(1, { topics: ["A", "B"], stop: 5 })).toEqual([1, 2]);
    expect(await ids(1, { stop: 2 })).toEqual([1, 2]);
    expect(await events.maxNotificationId()).toBe(2);

    await early.query("COMMIT");
    expect(await ids(2, { topics: ["A"] })).toEqual([3, 5]);
    expect(await ids(3, { topics: ["B"] })).toEqual([4]);
    expect(await ids(1, { topics: ["A", "B"], stop: 4 })).toEqual([1, 2, 3, 4]);
    expect(await events.maxNotificationId()).toBe(5);
  });

  it("goes on past a transaction that rolled back or whose session ended", async () => {
    const events = await applicationRecorder();
    const [rolledBack, ended, committed] = [
      await connection(),
      await connection(),
      await connection(),
    ];
    for (const writer of [rolledBack, ended, committed]) {
      await writer.query("BEGIN");
      await insert(writer, events.eventsTable, uuid4());
    }
    await committed.query("COMMIT");
    expect(await events.selectNotifications(1, 10)).toEqual([]);
    await rolledBack.query("ROLLBACK");
    expect(await events.selectNotifications(1, 10)).toEqual([]);
    const admin = await connection();
    const pid = (ended as unknown as { processID: number }).processID;
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    // The signal is sent at once; the session ends, and its bound with it, when the server says.
    await sessionEnded(admin, pid);
    expect((await events.selectNotifications(1, 10)).map((n) => n.id)).toEqual([3]);
  });

  it("publishes, before taking ids, a bound no higher than any id the writer takes", async () => {
    const events = await applicationRecorder();
    await events.insertEvents([makeStoredEvent(uuid4(), 1)]);
    const writer = await connection();
    await writer.query("BEGIN");
    const { rows } = await writer.query(insertApplicationStatement(events.eventsTable, "many"), [
      [uuid4(), uuid4(), uuid4()],
      [1, 1, 1],
      ["t", "t", "t"],
      [Buffer.from([0]), Buffer.from([1]), Buffer.from([2])],
      [null, null, null],
    ]);
    const ids = rows.map((row) => Number(row.notification_id));
    expect(ids).toEqual([2, 3, 4]);
    const locks = await writer.query(
      `SELECT ((classid::bigint << 32) | objid::bigint) AS key FROM pg_locks
       WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND mode = 'ShareLock'`,
    );
    expect(locks.rows.map((row) => BigInt(row.key))).toEqual([
      (BigInt(lockNamespace(events.eventsTable)) << 47n) + 2n,
    ]);
    await writer.query("COMMIT");
  });

  it("doesn't hold readers back for writers in flight on another table", async () => {
    const [mine, theirs] = [await applicationRecorder(), await applicationRecorder()];
    await mine.insertEvents([makeStoredEvent(uuid4(), 1)]);
    const writer = await connection();
    await writer.query("BEGIN");
    await insert(writer, theirs.eventsTable, uuid4());
    expect((await mine.selectNotifications(1, 10)).map((n) => n.id)).toEqual([1]);
    expect(await theirs.selectNotifications(1, 10)).toEqual([]);
    await writer.query("ROLLBACK");
  });

  it("refuses an insert that doesn't take its notification id as the recorder does", async () => {
    const events = await applicationRecorder();
    await expect(
      events.datastore.write(
        `INSERT INTO ${events.eventsTable.qualified} (originator_id, originator_version, topic, state) VALUES ($1, 1, 't', '\\x00')`,
        [uuid4()],
      ),
    ).rejects.toThrow(IntegrityError);
  });

  it("lets 8 writers save 1,000 times each while a tailing reader sees every id once, in order", async () => {
    const writers = 8;
    const saves = 1_000;
    const events = await applicationRecorder(writers + 2);
    const reader = tailer(events);
    let writing = true;
    let finished = Number.POSITIVE_INFINITY;
    const reading = (async () => {
      // Once the writers finish, the reader has 10 s to catch up (it never will if it missed one).
      while (writing || (reader.seen.length < writers * saves && Date.now() - finished < 10_000)) {
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
      finished = Date.now();
    });
    await reading;
    expect(reader.seen).toHaveLength(writers * saves);
    expect(reader.seen.every((id, i) => i === 0 || id > (reader.seen[i - 1] ?? 0))).toBe(true);
    expect([...returned].sort((a, b) => a - b)).toEqual(reader.seen);
  }, 180_000);

  it("misses nothing when transactions commit in a different order from their ids", async () => {
    const writers = 6;
    const saves = 150;
    const events = await applicationRecorder();
    const reader = tailer(events);
    const connections = await Promise.all(Array.from({ length: writers }, connection));
    let writing = true;
    const reading = (async () => {
      while (writing) await reader.read();
      await reader.read();
    })();
    const committed = await commitOutOfOrder(connections, events.eventsTable, saves).finally(() => {
      writing = false;
    });
    await reading;
    expect(reader.seen).toEqual([...committed].sort((a, b) => a - b));
  }, 180_000);

  it("gives each save one block of consecutive ids, in the order they take the allocation lock", async () => {
    const events = await applicationRecorder();
    const holder = await connection();
    // Held here, the allocation lock makes the saves below wait for it, then go one by one.
    await holder.query("SELECT pg_advisory_lock($1, 0)", [lockNamespace(events.eventsTable)]);
    const batch = (size: number) =>
      Array.from({ length: size }, (_, i) => makeStoredEvent(`${size}`, i + 1));
    // Each save is started once the one before waits for the lock, so they queue in this order.
    const first = events.insertEvents(batch(3));
    await waitingForLock(holder, events.datastore, 1);
    const second = events.insertEvents(batch(1));
    await waitingForLock(holder, events.datastore, 2);
    const third = events.insertEvents(batch(2));
    await waitingForLock(holder, events.datastore, 3);
    expect(await events.maxNotificationId()).toBe(0);
    await holder.query("SELECT pg_advisory_unlock($1, 0)", [lockNamespace(events.eventsTable)]);
    expect(await Promise.all([first, second, third])).toEqual([[1, 2, 3], [4], [5, 6]]);
  });

  it("never interleaves the ids of batches saved at once, among single saves", async () => {
    const events = await applicationRecorder();
    const saved = await Promise.all(
      Array.from({ length: 6 }, async (_, writer) => {
        const blocks: (readonly number[])[] = [];
        for (let round = 0; round < 15; round++) {
          const size = writer % 2 === 0 ? 1 : 50 + round;
          const id = uuid4();
          blocks.push(
            await events.insertEvents(
              Array.from({ length: size }, (_, i) => makeStoredEvent(id, i + 1)),
            ),
          );
        }
        return blocks;
      }),
    );
    const blocks = saved.flat();
    for (const block of blocks) {
      expect(block.every((id, i) => i === 0 || id === (block[i - 1] ?? 0) + 1)).toBe(true);
    }
    const all = blocks.flat().sort((a, b) => a - b);
    expect(new Set(all).size).toBe(all.length);
    const read = await events.selectNotifications(1, all.length + 10);
    expect(read.map((n) => n.id)).toEqual(all);
  });
});
