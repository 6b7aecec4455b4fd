/**
 * SQLite views run the view conformance kit in memory and on a file, and show what is SQLite's
 * own: a session bound to the transaction (and refused after it), the rule that a body awaits
 * only its session, tables dropped by hand, views on an application's own database, and
 * rebuilds in renamed tables: seen by other connections only once switched in, with the
 * definition's indexes under their own names, FTS5 tables too.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Application } from "@es/application";
import { IntegrityError, ProgrammingError } from "@es/persistence-core";
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
import Database from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteDatastore, SqliteFactory, sqlite } from "../src/index.js";
import { SqliteView, sqliteView, type ViewDefinition } from "../src/view/index.js";

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
            view.datastore.read(() =>
              view.datastore.prepare(`SELECT key FROM "${view.tableName("kit_rows")}"`).all(),
            ),
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

  it("reads with a typed session, between transactions, refusing a query that writes", async () => {
    const view = await sqliteView(new SqliteDatastore({ path: ":memory:" }), counts);
    await view.transaction(page(1, 3), async (db) => {
      for (const id of ["a", "b", "a"]) await increment(db, id);
    });
    const read = () =>
      view.read((db) => db.selectFrom("counts").selectAll().orderBy("originator_id").execute());
    expect(await read()).toEqual([
      { originator_id: "a", count: 2 },
      { originator_id: "b", count: 1 },
    ]);
    // A read asked for while a page is being processed sees its commit, not half of it.
    const processing = view.transaction(page(4, 4), async (db) => increment(db, "b"));
    const during = read();
    await processing;
    expect(await during).toEqual([
      { originator_id: "a", count: 2 },
      { originator_id: "b", count: 2 },
    ]);
    await expect(view.read((db) => db.deleteFrom("counts").execute())).rejects.toThrow(
      new ProgrammingError("A view's reads can't write: delete from \"counts\""),
    );
    expect(await read()).toHaveLength(2);
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

/** Counts with an index of their own, whose name the rebuild's must not keep. */
const indexedCounts: ViewDefinition<CountsDB> = {
  ...counts,
  create: (db) => [
    ...counts.create(db),
    db.schema.createIndex("counts_by_count").ifNotExists().on("counts").column("count"),
  ],
};

/** The schema's objects of a kind (`table`, `index`), by name. */
const objects = (datastore: SqliteDatastore, type: string) =>
  datastore
    .read(() =>
      datastore.prepare("SELECT name FROM sqlite_master WHERE type = ? ORDER BY name").all(type),
    )
    .map((row) => (row as { name: string }).name);

describe("SqliteView rebuilds", () => {
  it("shows a reader on another connection the old rows until the switch commits, then the new", async () => {
    const path = fileName();
    const view = await sqliteView(new SqliteDatastore({ path }), counts);
    await view.transaction(page(1, 3), (db) => increment(db, "old"));
    const reader = new Database(path, { readonly: true });
    const readCounts = () => reader.prepare("SELECT * FROM counts").all();

    const rebuild = await view.rebuild();
    await rebuild.view.transaction(page(1, 2), (db) => increment(db, "new"));
    expect(readCounts()).toEqual([{ originator_id: "old", count: 1 }]);
    // A read transaction begun before the switch keeps seeing the old view, whole, to its end.
    reader.exec("BEGIN");
    expect(readCounts()).toEqual([{ originator_id: "old", count: 1 }]);
    await rebuild.switch();
    expect(readCounts()).toEqual([{ originator_id: "old", count: 1 }]);
    reader.exec("COMMIT");
    expect(readCounts()).toEqual([{ originator_id: "new", count: 1 }]);
    expect(reader.prepare(`SELECT max(notification_id) AS max FROM counts_tracking`).get()).toEqual(
      { max: 2 },
    );
    expect(objects(view.datastore, "table")).toEqual(["counts", "counts_tracking"]);
    reader.close();
    view.datastore.close();
  });

  it("builds in tables renamed <table>__rebuild, and leaves no trace of them once switched", async () => {
    const view = await sqliteView(new SqliteDatastore({ path: ":memory:" }), indexedCounts);
    const rebuild = await view.rebuild();
    expect(rebuild.view.tableName("counts")).toBe("counts__rebuild");
    expect(rebuild.view.trackingTable).toBe("counts_tracking__rebuild");
    expect(view.tableName("counts")).toBe("counts");
    expect(objects(view.datastore, "index")).toContain("counts_by_count__rebuild");
    // Raw SQL names the view's tables with sql.table(), which a rebuild's session renames.
    await rebuild.view.transaction(page(1, 1), async (db) => {
      await sql`INSERT INTO ${sql.table("counts")} VALUES ('raw', 7)`.execute(db);
    });
    expect(
      view.datastore.read(() => view.datastore.prepare("SELECT * FROM counts__rebuild").all()),
    ).toEqual([{ originator_id: "raw", count: 7 }]);
    expect(countsOf(view)).toEqual([]);

    await rebuild.switch();
    expect(countsOf(view)).toEqual([{ originator_id: "raw", count: 7 }]);
    expect(objects(view.datastore, "table")).toEqual(["counts", "counts_tracking"]);
    // The definition's index, under its own name, on the switched table.
    const indexes = view.datastore.read(() =>
      view.datastore
        .prepare(
          "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
        )
        .all(),
    );
    expect(indexes).toEqual([{ name: "counts_by_count", tbl_name: "counts" }]);
    view.datastore.close();
  });

  it("rebuilds an FTS5 table, which answers MATCH once switched in", async () => {
    interface DocsDB {
      docs: { body: string };
    }
    const docs: ViewDefinition<DocsDB> = {
      name: "docs",
      tables: ["docs"],
      create: (db) => [
        sql`CREATE VIRTUAL TABLE IF NOT EXISTS ${sql.table("docs")} USING fts5(body)`.compile(db),
      ],
    };
    const view = await sqliteView(new SqliteDatastore({ path: fileName() }), docs);
    await view.transaction(page(1), async (db) => {
      await db.insertInto("docs").values({ body: "old news" }).execute();
    });
    const rebuild = await view.rebuild();
    await rebuild.view.transaction(page(1, 2), async (db) => {
      await db.insertInto("docs").values({ body: "dinosaurs and trucks" }).execute();
      await db.insertInto("docs").values({ body: "the internet" }).execute();
    });
    const match = (term: string) =>
      view.datastore.read(() =>
        view.datastore.prepare("SELECT body FROM docs WHERE docs MATCH ?").all(term),
      );
    expect(match("dinosaurs")).toEqual([]);
    await rebuild.switch();
    expect(match("dinosaurs")).toEqual([{ body: "dinosaurs and trucks" }]);
    expect(match("news")).toEqual([]);
    // FTS5's own tables were renamed with it, and the old ones dropped with the old table.
    expect(objects(view.datastore, "table").filter((name) => name.includes("rebuild"))).toEqual([]);
    await view.transaction(page(3), async (db) => {
      await db.insertInto("docs").values({ body: "more dinosaurs" }).execute();
    });
    expect(match("dinosaurs")).toHaveLength(2);
    view.datastore.close();
  });

  it("checks another connection's pages after the switch against the rebuild's tracking", async () => {
    const path = fileName();
    const one = await sqliteView(new SqliteDatastore({ path }), counts);
    const two = await sqliteView(new SqliteDatastore({ path }), counts);
    const rebuild = await one.rebuild();
    await rebuild.view.transaction(page(1, 5), (db) => increment(db, "new"));
    // Committed before the switch: dropped with the old tables.
    await two.transaction(page(1, 8), (db) => increment(db, "old"));
    await rebuild.switch();
    expect(countsOf(one)).toEqual([{ originator_id: "new", count: 1 }]);
    await expect(two.transaction(page(5, 6), (db) => increment(db, "late"))).rejects.toThrow(
      IntegrityError,
    );
    await two.transaction(page(6, 6), (db) => increment(db, "new"));
    expect(countsOf(one)).toEqual([{ originator_id: "new", count: 2 }]);
    expect(await two.maxTrackingId("Worlds")).toBe(6);
    one.datastore.close();
    two.datastore.close();
  });

  it("fails the switch naming a live table dropped by hand, changing nothing", async () => {
    const view = await sqliteView(new SqliteDatastore({ path: ":memory:" }), counts);
    const rebuild = await view.rebuild();
    await rebuild.view.transaction(page(1, 2), (db) => increment(db, "new"));
    view.datastore.exec(["DROP TABLE counts"]);
    const error = await rebuild.switch().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgrammingError);
    expect(String(error)).toMatch(/no such table: counts/);
    // The rebuild is as it was, and switches in once the view's tables are there again.
    expect(await rebuild.view.maxTrackingId("Worlds")).toBe(2);
    await view.createTable();
    await rebuild.switch();
    expect(countsOf(view)).toEqual([{ originator_id: "new", count: 1 }]);
    view.datastore.close();
  });

  it("refuses to rebuild a view whose definition makes a table it doesn't list", async () => {
    const unlisted: ViewDefinition<CountsDB & { extra: { id: string } }> = {
      ...counts,
      create: (db) => [
        db.schema.createTable("counts").ifNotExists().addColumn("originator_id", "text"),
        db.schema.createTable("extra").ifNotExists().addColumn("id", "text"),
      ],
    };
    const view = await sqliteView(new SqliteDatastore({ path: ":memory:" }), unlisted);
    await expect(view.rebuild()).rejects.toThrow(
      "View 'counts' creates table 'extra', which isn't one of its tables",
    );
    expect(objects(view.datastore, "table")).toEqual(["counts", "counts_tracking", "extra"]);
    view.datastore.close();
  });
});
