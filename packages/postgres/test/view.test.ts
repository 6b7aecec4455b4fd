/**
 * PostgreSQL views run the view conformance kit against the real server, and show what is
 * PostgreSQL's own: pages of two runners on two connections take turns (deterministically, by
 * watching the server's lock waits), a session bound to its transaction with the library's
 * errors, a body's error unchanged, tables dropped by hand, and views in a factory's schema.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Application } from "@es/application";
import { Aggregate, aggregate, event } from "@es/domain";
import { IntegrityError, ProgrammingError } from "@es/persistence-core";
import { describeView } from "@es/persistence-core/testing";
import { type Kysely, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { PostgresFactory, postgres } from "../src/index.js";
import { PostgresView, postgresView, type ViewDefinition } from "../src/view/index.js";
import { closedAfter, connection, datastore, server, uniquePrefix } from "./server.js";

interface KitDB {
  kit_rows: { key: string };
}
const kit: ViewDefinition<KitDB> = {
  name: "kit",
  tables: ["kit_rows"],
  create: (db) => [
    db.schema
      .createTable("kit_rows")
      .ifNotExists()
      .addColumn("key", "text", (column) => column.primaryKey()),
  ],
};

describeView("PostgresView", () => postgresView(datastore(), kit, { schema: uniquePrefix() }), {
  write: async (db: Kysely<KitDB>, key) => {
    await db.insertInto("kit_rows").values({ key }).execute();
  },
  read: async (view) =>
    (await view.datastore.query(`SELECT key FROM "${view.schema}".kit_rows`)).map(
      (row) => row.key as string,
    ),
  dispose: (view) => view.datastore.close(),
});

interface CountsDB {
  counts: { originator_id: string; count: number };
}
const counts: ViewDefinition<CountsDB> = {
  name: "counts",
  tables: ["counts"],
  create: (db) => [
    db.schema
      .createTable("counts")
      .ifNotExists()
      .addColumn("originator_id", "text", (column) => column.primaryKey())
      .addColumn("count", "integer", (column) => column.notNull()),
  ],
};

const page = (first: number, last = first) => ({ applicationName: "Worlds", first, last });

const increment = (db: Kysely<CountsDB>, id: string) =>
  db
    .insertInto("counts")
    .values({ originator_id: id, count: 1 })
    .onConflict((conflict) =>
      conflict.column("originator_id").doUpdateSet((eb) => ({ count: eb("counts.count", "+", 1) })),
    )
    .execute();

/** A view of counts in a schema of its own, on a datastore closed after the test. */
const countsView = () => postgresView(closedAfter(), counts, { schema: uniquePrefix() });

const countsOf = async (view: PostgresView<CountsDB>) =>
  view.datastore.query(`SELECT * FROM "${view.schema}".counts ORDER BY originator_id`);

/**
 * Resolves once a session is waiting for an advisory lock of a view's pages, or once `other`
 * has settled (which, were the pages not to take turns, it would without waiting).
 */
async function waitingForTurn(other: Promise<unknown> | undefined): Promise<void> {
  let settled = false;
  void other?.then(
    () => (settled = true),
    () => (settled = true),
  );
  const admin = await connection();
  while (!settled) {
    const { rows } = await admin.query(
      "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 4294967294",
    );
    if (rows.length > 0) return;
    await sleep(5);
  }
}

describe("PostgresView", () => {
  it("makes a page of another runner wait, then refuses it if they overlap", async () => {
    const view = await countsView();
    const other = new PostgresView(closedAfter(), counts, { schema: view.schema });
    let second: Promise<unknown> | undefined;
    await view.transaction(page(1, 5), async (db) => {
      await increment(db, "a");
      // Another runner, on another connection, starts a page that overlaps this one...
      second = other.transaction(page(3, 8), (db2) => increment(db2, "b"));
      // ...and waits for this one's turn to end before it reads the tracking records.
      await waitingForTurn(second);
    });
    await expect(second).rejects.toThrow(IntegrityError);
    await expect(second).rejects.toThrow("View 'counts' refuses notifications 3-8 of 'Worlds'");
    expect(await countsOf(view)).toEqual([{ originator_id: "a", count: 1 }]);
    expect(await view.maxTrackingId("Worlds")).toBe(5);
  });

  it("makes a page of another runner wait, then takes it if it comes after", async () => {
    const view = await countsView();
    const other = new PostgresView(closedAfter(), counts, { schema: view.schema });
    let second: Promise<unknown> | undefined;
    await view.transaction(page(1, 5), async (db) => {
      await increment(db, "a");
      second = other.transaction(page(6, 8), (db2) => increment(db2, "b"));
      await waitingForTurn(second);
    });
    await second;
    expect(await view.maxTrackingId("Worlds")).toBe(8);
    expect((await countsOf(view)).length).toBe(2);
  });

  it("gives the body a typed session on the transaction, refused once it has ended", async () => {
    const view = await countsView();
    let session: Kysely<CountsDB> | undefined;
    const updated = await view.transaction(page(1, 2), async (db) => {
      session = db;
      await increment(db, "a");
      await increment(db, "a");
      const { numUpdatedRows } = await db
        .updateTable("counts")
        .set({ count: 5 })
        .where("originator_id", "=", "a")
        .executeTakeFirst();
      const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
      return [numUpdatedRows, rows[0]?.schema];
    });
    expect(updated).toEqual([1n, view.schema]);
    expect(await countsOf(view)).toEqual([{ originator_id: "a", count: 5 }]);
    await expect(session?.selectFrom("counts").selectAll().execute()).rejects.toThrow(
      /transaction has ended/,
    );
  });

  it("gives the body the library's errors, and rethrows the body's error unchanged", async () => {
    const view = await countsView();
    const duplicate = await view
      .transaction(page(1), async (db) => {
        await db.insertInto("counts").values({ originator_id: "a", count: 1 }).execute();
        await db.insertInto("counts").values({ originator_id: "a", count: 1 }).execute();
      })
      .catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(IntegrityError);
    // An error of the body's own is not taken for a driver's, whatever it says.
    const own = new Error("Connection terminated unexpectedly");
    await expect(view.transaction(page(1), async () => Promise.reject(own))).rejects.toBe(own);
    expect(await countsOf(view)).toEqual([]);
    expect(await view.maxTrackingId("Worlds")).toBe(0);
  });

  it("fails clearly when its tables were dropped by hand, storing nothing", async () => {
    const view = await countsView();
    await view.datastore.execute(`DROP TABLE "${view.schema}".counts`);
    const error = await view.transaction(page(1), (db) => increment(db, "a")).catch((e) => e);
    expect(error).toBeInstanceOf(ProgrammingError);
    expect(String(error)).toMatch(/relation "counts" does not exist/);
    expect(await view.maxTrackingId("Worlds")).toBe(0);

    await view.datastore.execute(`DROP TABLE ${view.trackingTable.qualified}`);
    await expect(view.transaction(page(1), (db) => increment(db, "a"))).rejects.toThrow(
      /relation ".*counts_tracking" does not exist/,
    );
    await view.createTable();
    await view.transaction(page(1), (db) => increment(db, "a"));
    expect(await countsOf(view)).toEqual([{ originator_id: "a", count: 1 }]);
  });

  it("refuses a name, a table name or a schema that isn't a plain identifier, naming it", () => {
    const store = closedAfter();
    expect(() => new PostgresView(store, { ...counts, name: "two words" })).toThrow(
      "Invalid view name 'two words'",
    );
    expect(() => new PostgresView(store, counts, { schema: 'x"; DROP' })).toThrow(ProgrammingError);
  });
});

@aggregate("PostgresViewWorld")
class World extends Aggregate {
  @event("Happened")
  happen() {}
}

class Worlds extends Application {
  static override applicationName = "Worlds";
}

describe("postgresView on an application's factory", () => {
  it("keeps the view's tables in the factory's schema, beside the application's", async () => {
    const s = server();
    const schema = uniquePrefix();
    const app = new Worlds({
      infrastructure: postgres({
        host: s.POSTGRES_HOST,
        port: Number(s.POSTGRES_PORT),
        user: s.POSTGRES_USER,
        password: s.POSTGRES_PASSWORD,
        database: s.POSTGRES_DBNAME,
        schema,
      }),
    });
    try {
      const world = World.create();
      world.happen();
      await app.save(world);
      assert.ok(app.factory instanceof PostgresFactory);
      const view = await postgresView(app.factory, counts);
      expect(view.schema).toBe(schema);
      const notifications = await app.log.select(1, 10);
      const events = await view.transaction(page(1, notifications.length), async (db) => {
        for (const n of notifications) await increment(db, n.originatorId);
        const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM worlds_events`.execute(
          db,
        );
        return rows[0]?.n;
      });
      expect(events).toBe(2);
      expect(await countsOf(view)).toEqual([{ originator_id: world.id, count: 2 }]);
    } finally {
      await app.close();
    }
  });
});
