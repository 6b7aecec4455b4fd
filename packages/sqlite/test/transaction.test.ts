/**
 * The datastore's transactions that span awaits (a view's): they commit what the body wrote or
 * nothing, take turns, keep the recorders' calls out until they end, and refuse a body that
 * lets the event loop turn.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { ProgrammingError } from "@es/persistence-core";
import { makeStoredEvent } from "@es/persistence-core/testing";
import { describe, expect, it } from "vitest";
import { SqliteApplicationRecorder, SqliteDatastore } from "../src/index.js";

function store() {
  const datastore = new SqliteDatastore({ path: ":memory:" });
  datastore.exec(["CREATE TABLE t (x integer PRIMARY KEY)"]);
  const insert = datastore.prepare("INSERT INTO t (x) VALUES (?)");
  const count = () => datastore.read(() => datastore.prepare("SELECT count(*) AS n FROM t").get());
  return { datastore, insert, count };
}

describe("SqliteDatastore.transaction", () => {
  it("commits what the body wrote when it resolves, with the body's result", async () => {
    const { datastore, insert, count } = store();
    const result = await datastore.transaction(async (transaction) => {
      transaction.run(() => insert.run(1));
      await Promise.resolve();
      transaction.run(() => insert.run(2));
      return "done";
    });
    expect(result).toBe("done");
    expect(count()).toEqual({ n: 2 });
  });

  it("rolls back when the body rejects, rejecting with the body's error unchanged", async () => {
    const { datastore, insert, count } = store();
    const failure = new Error("no");
    await expect(
      datastore.transaction(async (transaction) => {
        transaction.run(() => insert.run(1));
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(count()).toEqual({ n: 0 });
  });

  it("refuses the datastore's own reads and writes while it is open", async () => {
    const { datastore, insert, count } = store();
    await datastore.transaction(async (transaction) => {
      transaction.run(() => insert.run(1));
      expect(() => count()).toThrow(ProgrammingError);
      expect(() => datastore.write(() => insert.run(2))).toThrow(/wait for it with/);
    });
    expect(count()).toEqual({ n: 1 });
  });

  it("makes the recorders' calls wait until it ends, rather than run inside it", async () => {
    const datastore = new SqliteDatastore({ path: ":memory:" });
    const recorder = new SqliteApplicationRecorder(datastore, "events");
    recorder.createTable();
    let saved: Promise<readonly number[]> | undefined;
    await expect(
      datastore.transaction(async () => {
        // Called while the transaction is open: it must not commit or roll back with it.
        saved = recorder.insertEvents([makeStoredEvent("a", 1)]);
        await Promise.resolve();
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await saved).toEqual([1]);
    expect(await recorder.selectEvents("a")).toHaveLength(1);
  });

  it("takes turns with other transactions of its kind", async () => {
    const { datastore, insert, count } = store();
    const order: string[] = [];
    const body = (name: string, x: number) => async (transaction: { run<T>(fn: () => T): T }) => {
      order.push(`${name} begins`);
      await Promise.resolve();
      transaction.run(() => insert.run(x));
      order.push(`${name} ends`);
    };
    await Promise.all([datastore.transaction(body("a", 1)), datastore.transaction(body("b", 2))]);
    expect(order).toEqual(["a begins", "a ends", "b begins", "b ends"]);
    expect(count()).toEqual({ n: 2 });
  });

  it("rolls back a body that awaits anything else, refusing its later statements", async () => {
    const { datastore, insert, count } = store();
    let later: unknown;
    const error = await datastore
      .transaction(async (transaction) => {
        transaction.run(() => insert.run(1));
        await sleep(1);
        try {
          transaction.run(() => insert.run(2));
        } catch (refused) {
          later = refused;
        }
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgrammingError);
    expect(String(error)).toMatch(/may await only its session's queries/);
    // The body goes on after the rollback, but can't write any more.
    await sleep(5);
    expect(later).toBeInstanceOf(ProgrammingError);
    expect(count()).toEqual({ n: 0 });
    // And the connection is free again.
    await datastore.transaction(async (transaction) => transaction.run(() => insert.run(3)));
    expect(count()).toEqual({ n: 1 });
  });

  it("ends a body that waits for the recorders (which wait for it) instead of deadlocking", async () => {
    const datastore = new SqliteDatastore({ path: ":memory:" });
    const recorder = new SqliteApplicationRecorder(datastore, "events");
    recorder.createTable();
    await expect(
      datastore.transaction(async () => {
        await recorder.maxNotificationId();
      }),
    ).rejects.toBeInstanceOf(ProgrammingError);
    expect(await recorder.maxNotificationId()).toBe(0);
  });
});
