/**
 * SQLite views run the view conformance kit in memory and on a file, and show what is SQLite's
 * own: a session bound to the transaction (and refused after it), the rule that a body awaits
 * only its session, tables dropped by hand, and views on an application's own database.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Application } from "@es/application";
import { ProgrammingError } from "@es/persistence-core";
import { describeView } from "@es/persistence-core/testing";
import {
  type CountsDB,
  countInOnePage,
  counts,
  increment,
  kit,
  page,
  World,
  writeKitRow,
} from "@es-test/views";
import type { Kysely } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteDatastore, SqliteFactory, sqlite } from "../src/index.js";
import { SqliteView, sqliteView } from "../src/view/index.js";

const dir = mkdtempSync(join(tmpdir(), "es-sqlite-view-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fileName = () => join(dir, `view-${++files}.db`);

for (const [label, path] of [
  [":memory:", () => ":memory:"],
  ["file", fileName],
] as const) {
  describeView(
    `SqliteView (${label})`,
    () => sqliteView(new SqliteDatastore({ path: path() }), kit),
    {
      write: writeKitRow,
      read: async (view) =>
        (
          await view.datastore.whenFree(() =>
            view.datastore.read(() => view.datastore.prepare("SELECT key FROM kit_rows").all()),
          )
        ).map((row) => (row as { key: string }).key),
      dispose: (view) => view.datastore.close(),
    },
  );
}

const countsOf = (view: SqliteView<CountsDB>) =>
  view.datastore.read(() => view.datastore.prepare("SELECT * FROM counts").all());

describe("SqliteView", () => {
  it("gives the body a typed session on the transaction, refused once it has ended", async () => {
    const view = await sqliteView(new SqliteDatastore({ path: ":memory:" }), counts);
    let session: Kysely<CountsDB> | undefined;
    const updated = await view.transaction(page(1, 2), async (db) => {
      session = db;
      await increment(db, "a");
      await increment(db, "a");
      const result = await db
        .updateTable("counts")
        .set({ count: 5 })
        .where("originator_id", "=", "a")
        .executeTakeFirst();
      return result.numUpdatedRows;
    });
    expect(updated).toBe(1n);
    expect(countsOf(view)).toEqual([{ originator_id: "a", count: 5 }]);
    await expect(session?.selectFrom("counts").selectAll().execute()).rejects.toThrow(
      /transaction has ended/,
    );
    view.datastore.close();
  });

  it("rolls back a body that awaits anything but its session, with a ProgrammingError", async () => {
    const view = await sqliteView(new SqliteDatastore({ path: ":memory:" }), counts);
    const error = await view
      .transaction(page(1), async (db) => {
        await increment(db, "a");
        await sleep(1);
        await increment(db, "b");
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgrammingError);
    expect(String(error)).toMatch(/may await only its session's queries/);
    await sleep(5);
    expect(countsOf(view)).toEqual([]);
    expect(await view.maxTrackingId("Worlds")).toBe(0);
    view.datastore.close();
  });

  it("rolls back a body resumed by a timer when the event loop comes round late", async () => {
    const view = await sqliteView(new SqliteDatastore({ path: ":memory:" }), counts);
    // Begun in an immediate's turn: the next immediates run only after the next timers.
    await new Promise((resolve) => setImmediate(resolve));
    const error = await view
      .transaction(page(1), async (db) => {
        await increment(db, "a");
        const resumed = sleep(1);
        // A loaded machine: the timer is due before the loop turns again, and timers due run
        // before immediates.
        const until = performance.now() + 5;
        while (performance.now() < until);
        await resumed;
        await increment(db, "b");
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgrammingError);
    await sleep(5);
    expect(countsOf(view)).toEqual([]);
    view.datastore.close();
  });

  it("fails clearly when its tables were dropped by hand, storing nothing", async () => {
    const view = await sqliteView(new SqliteDatastore({ path: ":memory:" }), counts);
    view.datastore.exec(["DROP TABLE counts"]);
    const error = await view.transaction(page(1), (db) => increment(db, "a")).catch((e) => e);
    expect(error).toBeInstanceOf(ProgrammingError);
    expect(String(error)).toMatch(/no such table: counts/);
    expect(await view.maxTrackingId("Worlds")).toBe(0);

    view.datastore.exec([`DROP TABLE ${view.trackingTable}`]);
    await expect(view.transaction(page(1), (db) => increment(db, "a"))).rejects.toThrow(
      /no such table: counts_tracking/,
    );
    await view.createTable();
    await view.transaction(page(1), (db) => increment(db, "a"));
    expect(countsOf(view)).toEqual([{ originator_id: "a", count: 1 }]);
    view.datastore.close();
  });

  it("sees another connection's commit: a page it processed is refused", async () => {
    const path = fileName();
    const one = await sqliteView(new SqliteDatastore({ path }), counts);
    const two = await sqliteView(new SqliteDatastore({ path }), counts);
    await one.transaction(page(1, 5), (db) => increment(db, "a"));
    await expect(two.transaction(page(3, 8), (db) => increment(db, "a"))).rejects.toThrow(
      "View 'counts' refuses notifications 3-8 of 'Worlds': it has processed 'Worlds' up to notification 5",
    );
    await two.transaction(page(6, 8), (db) => increment(db, "a"));
    expect(countsOf(one)).toEqual([{ originator_id: "a", count: 2 }]);
    one.datastore.close();
    two.datastore.close();
  });

  it("keeps statements by their text, and runs more distinct queries than it keeps", async () => {
    const view = await sqliteView(new SqliteDatastore({ path: ":memory:" }), counts);
    const found = await view.transaction(page(1), async (db) => {
      await increment(db, "a");
      let rows = 0;
      for (let n = 1; n <= 300; n++) {
        const ids = Array.from({ length: n }, (_, i) => `id ${i}`).concat("a");
        rows += (
          await db.selectFrom("counts").where("originator_id", "in", ids).selectAll().execute()
        ).length;
      }
      return rows;
    });
    expect(found).toBe(300);
    view.datastore.close();
  });

  it("refuses a name or a table name that isn't a plain identifier, naming it", () => {
    const datastore = new SqliteDatastore({ path: ":memory:" });
    expect(() => new SqliteView(datastore, { ...counts, name: "two words" })).toThrow(
      "Invalid view name 'two words'",
    );
    expect(
      () => new SqliteView(datastore, { ...counts, tables: ['counts"; DROP' as "counts"] }),
    ).toThrow(ProgrammingError);
    expect(() => new SqliteView(datastore, { ...counts, name: "x".repeat(60) })).toThrow(
      ProgrammingError,
    );
    datastore.close();
  });
});

class Worlds extends Application {
  static override applicationName = "Worlds";
}

describe("sqliteView on an application's factory", () => {
  it("keeps the view's tables in the application's database, in memory too", async () => {
    const app = new Worlds({ infrastructure: sqlite({ path: ":memory:" }) });
    const world = World.create();
    world.happen();
    await app.save(world);
    assert.ok(app.factory instanceof SqliteFactory);
    const view = await sqliteView(app.factory, counts);
    const notifications = await app.log.select(1, 10);
    const events = await countInOnePage(view, notifications);
    expect(events).toBe(2);
    expect(countsOf(view)).toEqual([{ originator_id: world.id, count: 2 }]);
    await app.close();
  });

  it("creates no tables when the factory's createTable is false", async () => {
    const path = fileName();
    const factory = new SqliteFactory({ path, createTable: false });
    const view = await sqliteView(factory, counts);
    await expect(view.transaction(page(1), (db) => increment(db, "a"))).rejects.toThrow(
      /no such table/,
    );
    await factory.close();
  });
});
