/**
 * A process recorder refuses a page of notifications any of which is tracked, also when the
 * page that got there first committed after the refused page's statement began: a statement
 * sees the tracking table as of its start, so what refuses such a page is the unique index on
 * the position each page's tracking record follows, which waits for the transaction in flight.
 * These tests hold a page's transaction open on a connection of their own, and send the other
 * page through the recorder while it is open.
 */
import { uuid4 } from "@es/domain";
import { IntegrityError, type Page } from "@es/persistence-core";
import { DOLLAR_NUMBERS } from "@es/persistence-core/sql";
import { makeStoredEvent } from "@es/persistence-core/testing";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { PostgresProcessRecorder } from "../src/index.js";
import { createTrackingTable, insertApplication, pageTracking } from "../src/schema.js";
import { closedAfter, connection, recorder, table } from "./server.js";

const page = (first: number, last: number): Page => ({ applicationName: "up", first, last });

/** A process recorder on a datastore of its own, its tables created. */
const processRecorder = () =>
  recorder((store) => new PostgresProcessRecorder(store, table("events"), table("tracking")));

/** Records one event with a page in the open transaction of `on`, with the recorder's statement. */
async function insertPageIn(
  on: pg.Client,
  recorder: PostgresProcessRecorder,
  { applicationName, first, last }: Page,
): Promise<void> {
  const statement = insertApplication(
    recorder.eventsTable,
    "one",
    pageTracking(recorder.trackingTable),
    "tracked",
  ).compile(DOLLAR_NUMBERS);
  const values = {
    ...makeStoredEvent(uuid4(), 1, "t", `${first}-${last}`),
    state: Buffer.from(`${first}-${last}`),
    hash: null,
    applicationName,
    first,
    last,
  };
  await on.query(statement.text, statement.params(values));
}

/** Resolves once a session of `recorder`'s datastore waits for a lock. */
async function waitingForLock(admin: pg.Client, recorder: PostgresProcessRecorder): Promise<void> {
  const waiting = async () => {
    const { rows } = await admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
      [recorder.datastore.options.applicationName],
    );
    return rows[0]?.n as number;
  };
  await expect.poll(waiting, { timeout: 10_000 }).toBe(1);
}

/**
 * A process recorder with a page's transaction held open on a connection of the test's own;
 * `waiting()` resolves once another page sent through the recorder waits for it.
 */
async function withPageInFlight(first: Page) {
  const recorder = await processRecorder();
  const [open, admin] = [await connection(), await connection()];
  await open.query("BEGIN");
  await insertPageIn(open, recorder, first);
  return {
    recorder,
    waiting: () => waitingForLock(admin, recorder),
    commit: () => open.query("COMMIT"),
    rollBack: () => open.query("ROLLBACK"),
  };
}

const states = async (recorder: PostgresProcessRecorder) =>
  (await recorder.selectNotifications(1, 100)).map((n) => new TextDecoder().decode(n.state));

describe("pages on PostgreSQL", () => {
  it("refuses a page that another transaction committed after the page's statement began", async () => {
    const { recorder, waiting, commit } = await withPageInFlight(page(1, 5));
    // Sent while the first page is in flight, the second waits for it, then is refused: its
    // statement began before the first committed, so only the unique index can see it.
    const second = recorder
      .insertEvents([makeStoredEvent(uuid4(), 1, "t", "3-8")], { page: page(3, 8) })
      .catch((error: unknown) => error);
    await waiting();
    await commit();
    const refused = await second;
    expect(refused).toBeInstanceOf(IntegrityError);
    expect((refused as Error).message).toBe(
      `The process recorder of '${recorder.trackingTable.name}' refuses notifications 3-8 of 'up': it has processed 'up' up to notification 5`,
    );
    expect(await states(recorder)).toEqual(["1-5"]);
    expect(await recorder.maxTrackingId("up")).toBe(5);
  });

  it("refuses a later page that follows the same position, though the two don't overlap", async () => {
    // Both pages follow position 0: the one that commits first wins. (Runners that read the
    // same notifications never make such pages; the refusal only makes one read again.)
    const { recorder, waiting, commit } = await withPageInFlight(page(1, 2));
    const second = recorder.insertEvents([], { page: page(4, 6) }).catch((error: unknown) => error);
    await waiting();
    await commit();
    expect(await second).toBeInstanceOf(IntegrityError);
    await recorder.insertEvents([], { page: page(4, 6) });
    expect(await recorder.maxTrackingId("up")).toBe(6);
  });

  it("records the waiting page once the transaction it waited for rolls back", async () => {
    const { recorder, waiting, rollBack } = await withPageInFlight(page(1, 5));
    const second = recorder.insertEvents([makeStoredEvent(uuid4(), 1, "t", "3-8")], {
      page: page(3, 8),
    });
    await waiting();
    await rollBack();
    await second;
    expect(await states(recorder)).toEqual(["3-8"]);
    expect(await recorder.maxTrackingId("up")).toBe(8);
  });

  it("takes no notification ids for a page it refuses", async () => {
    const recorder = await processRecorder();
    const event = (label: string) => makeStoredEvent(uuid4(), 1, "t", label);
    expect(await recorder.insertEvents([event("a")], { page: page(1, 5) })).toEqual([1]);
    await expect(
      recorder.insertEvents([event("b"), event("c")], { page: page(5, 7) }),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect(await recorder.insertEvents([event("d")], { page: page(6, 7) })).toEqual([2]);
  });

  it("gives a tracking table made before pages the column and index pages need", async () => {
    const store = closedAfter();
    const events = table("events");
    const tracking = table("tracking");
    await store.query(createTrackingTable(tracking).join(";\n"));
    await store.query(
      `INSERT INTO ${tracking.qualified} (application_name, notification_id) VALUES ('up', 4)`,
    );
    const recorder = new PostgresProcessRecorder(store, events, tracking);
    await recorder.createTable();
    await expect(recorder.insertEvents([], { page: page(3, 9) })).rejects.toBeInstanceOf(
      IntegrityError,
    );
    await recorder.insertEvents([makeStoredEvent(uuid4(), 1)], { page: page(5, 9) });
    expect(await recorder.maxTrackingId("up")).toBe(9);
  });
});
