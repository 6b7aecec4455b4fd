/**
 * PostgreSQL views run the view conformance kit against the real server, and show what is
 * PostgreSQL's own: pages of two runners on two connections take turns (deterministically, by
 * watching the server's lock waits), a session bound to its transaction with the library's
 * errors, a body's error unchanged, tables dropped by hand, views in a factory's schema, and
 * rebuilds in a schema of their own, switched in after the live view's pages under way.
 */
import assert from "node:assert/strict";
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
import { type Kysely, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { PostgresFactory, postgres } from "../src/index.js";
import { PostgresView, postgresView, type ViewDefinition } from "../src/view/index.js";
import { closedAfter, connection, datastore, server, uniquePrefix } from "./server.js";

describeView("PostgresView", () => postgresView(datastore(), kit, { schema: uniquePrefix() }), {
  write: writeKitRow,
  read: async (view) =>
    (await view.datastore.query(`SELECT key FROM "${view.schema}".kit_rows`)).map(
      (row) => row.key as string,
    ),
  dispose: (view) => view.datastore.close(),
});

/** A view of counts in a schema of its own, on a datastore closed after the test. */
const countsView = () => postgresView(closedAfter(), counts, { schema: uniquePrefix() });

const countsOf = async (view: PostgresView<CountsDB>) =>
  view.datastore.query(`SELECT * FROM "${view.schema}".counts ORDER BY originator_id`);

/**
 * Resolves to true once `sessions` sessions are waiting for locks that `waiting` (a condition
 * on `pg_locks`) describes, or to false once `other` has settled (which, were it not to wait,
 * it would).
 */
async function waitingFor(
  other: Promise<unknown> | undefined,
  waiting: string,
  { values = [], sessions = 1 }: { values?: unknown[]; sessions?: number } = {},
): Promise<boolean> {
  let settled = false;
  void other?.then(
    () => (settled = true),
    () => (settled = true),
  );
  const admin = await connection();
  while (!settled) {
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND ${waiting}`,
      values,
    );
    if ((rows[0] as { n: number }).n >= sessions) return true;
    await sleep(5);
  }
  return false;
}

/** Resolves once a session is waiting for an advisory lock of a view's pages (see waitingFor). */
const waitingForTurn = (other: Promise<unknown> | undefined) =>
  waitingFor(other, "locktype = 'advisory' AND classid = 4294967294");

describe("PostgresView", () => {
  /**
   * A page of 1-5 whose body, once it has written, starts another runner's page on another
   * connection and waits until that one waits for its turn: the second page's check comes
   * after the first page's commit.
   */
  async function race(second: { first: number; last: number }) {
    const view = await countsView();
    const other = new PostgresView(closedAfter(), counts, { schema: view.schema });
    let outcome: Promise<unknown> | undefined;
    await view.transaction(page(1, 5), async (db) => {
      await increment(db, "a");
      outcome = other.transaction(page(second.first, second.last), (db2) => increment(db2, "b"));
      await waitingForTurn(outcome);
    });
    return { view, outcome };
  }

  it("makes a page of another runner wait, then refuses it if they overlap", async () => {
    const { view, outcome } = await race({ first: 3, last: 8 });
    await expect(outcome).rejects.toThrow(IntegrityError);
    await expect(outcome).rejects.toThrow("View 'counts' refuses notifications 3-8 of 'Worlds'");
    expect(await countsOf(view)).toEqual([{ originator_id: "a", count: 1 }]);
    expect(await view.maxTrackingId("Worlds")).toBe(5);
  });

  it("makes a page of another runner wait, then takes it if it comes after", async () => {
    const { view, outcome } = await race({ first: 6, last: 8 });
    await outcome;
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

  it("reads with a typed session in a read-only transaction of the view's schema", async () => {
    const view = await countsView();
    await view.transaction(page(1, 3), async (db) => {
      for (const id of ["a", "b", "a"]) await increment(db, id);
    });
    const rows = await view.read(async (db) => {
      const all = await db.selectFrom("counts").selectAll().orderBy("originator_id").execute();
      return all.map((row) => ({ ...row, count: Number(row.count) }));
    });
    expect(rows).toEqual([
      { originator_id: "a", count: 2 },
      { originator_id: "b", count: 1 },
    ]);
    await expect(view.read((db) => db.deleteFrom("counts").execute())).rejects.toThrow(
      /read-only transaction/,
    );
    const failure = new Error("the body's own");
    await expect(view.read(async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(await countsOf(view)).toHaveLength(2);
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
      const events = await countInOnePage(view, notifications);
      expect(events).toBe(2);
      expect(await countsOf(view)).toEqual([{ originator_id: world.id, count: 2 }]);
    } finally {
      await app.close();
    }
  });
});

/** Counts with an index of their own, which a rebuild moves in under its name. */
const indexedCounts: ViewDefinition<CountsDB> = {
  ...counts,
  create: (db) => [
    ...counts.create(db),
    db.schema.createIndex("counts_by_count").ifNotExists().on("counts").column("count"),
  ],
};

/** Whether a schema exists. */
const schemaExists = async (view: PostgresView<CountsDB>, schema: string) =>
  (
    await view.datastore.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", [
      schema,
    ])
  ).length > 0;

describe("PostgresView rebuilds", () => {
  it("switches in after a live page held open, dropping it; the pages after meet the rebuild's tracking", async () => {
    const view = await countsView();
    await view.transaction(page(1, 3), (db) => increment(db, "old"));
    const rebuild = await view.rebuild();
    await rebuild.view.transaction(page(1, 8), (db) => increment(db, "new"));
    // Another runner of the live view, on connections of its own (another process's).
    const runner = new PostgresView(closedAfter(), counts, { schema: view.schema });
    let switched: Promise<void> | undefined;
    let refused: Promise<unknown> | undefined;
    let taken: Promise<unknown> | undefined;
    await runner.transaction(page(4, 5), async (db) => {
      await increment(db, "held");
      switched = rebuild.switch();
      // The switch waits for this page (it has read the tracking table)…
      const waits = await waitingFor(
        switched,
        "locktype = 'relation' AND relation = $1::regclass",
        {
          values: [view.trackingTable.qualified],
        },
      );
      expect(waits).toBe(true);
      // …and pages that start meanwhile wait for this one, then for the switch.
      refused = view.transaction(page(6, 8), (db2) => increment(db2, "refused"));
      taken = view.transaction(page(9), (db2) => increment(db2, "taken"));
      const turns = await waitingFor(
        Promise.any([refused, taken]),
        "locktype = 'advisory' AND classid = 4294967294",
        { sessions: 2 },
      );
      expect(turns).toBe(true);
    });
    await switched;
    // Refused after the switch (the held page had left the position at 5), whichever of the two
    // pages took its turn first.
    await expect(refused).rejects.toThrow(
      /View 'counts' refuses notifications 6-8 of 'Worlds': it has processed 'Worlds' up to notification [89]$/,
    );
    await taken;
    // The held page committed, then went with the old tables; the next are on the new ones.
    expect(await countsOf(view)).toEqual([
      { originator_id: "new", count: 1 },
      { originator_id: "taken", count: 1 },
    ]);
    expect(await view.maxTrackingId("Worlds")).toBe(9);
    expect(await runner.hasTrackingId("Worlds", 5)).toBe(true);
    expect(await runner.hasTrackingId("Worlds", 10)).toBe(false);
  });

  it("builds in a schema of its own, gone once switched in or discarded", async () => {
    const view = await postgresView(closedAfter(), indexedCounts, { schema: uniquePrefix() });
    const first = await view.rebuild();
    const schema = `${view.schema}__counts_rebuild`;
    expect(first.view.schema).toBe(schema);
    expect(await schemaExists(view, schema)).toBe(true);
    await first.view.transaction(page(1, 2), (db) => increment(db, "new"));
    expect(await countsOf(view)).toEqual([]);
    await first.switch();
    expect(await schemaExists(view, schema)).toBe(false);
    expect(await countsOf(view)).toEqual([{ originator_id: "new", count: 1 }]);
    // The indexes and constraints moved with the table, under their own names.
    const indexes = await view.datastore.query(
      "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'counts' ORDER BY 1",
      [view.schema],
    );
    expect(indexes.map((row) => row.indexname)).toEqual(["counts_by_count", "counts_pkey"]);

    const second = await view.rebuild();
    expect(await schemaExists(view, schema)).toBe(true);
    await second.discard();
    expect(await schemaExists(view, schema)).toBe(false);
    expect(await countsOf(view)).toEqual([{ originator_id: "new", count: 1 }]);
  });

  it("fails the switch naming a live table dropped by hand, changing nothing", async () => {
    const view = await countsView();
    const rebuild = await view.rebuild();
    await rebuild.view.transaction(page(1, 2), (db) => increment(db, "new"));
    await view.datastore.execute(`DROP TABLE "${view.schema}".counts`);
    const error = await rebuild.switch().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgrammingError);
    expect(String(error)).toMatch(/table "counts" does not exist/);
    expect(await rebuild.view.maxTrackingId("Worlds")).toBe(2);
    await view.createTable();
    await rebuild.switch();
    expect(await countsOf(view)).toEqual([{ originator_id: "new", count: 1 }]);
  });

  it("refuses to rebuild a view whose rebuild's schema would be too long a name", async () => {
    const view = new PostgresView(closedAfter(), counts, { schema: "s".repeat(50) });
    await expect(view.rebuild()).rejects.toThrow(
      `View 'counts' in schema '${"s".repeat(50)}' can't be rebuilt`,
    );
  });
});
