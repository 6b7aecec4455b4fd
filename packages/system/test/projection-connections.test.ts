/**
 * Connections cut, on PostgreSQL: while several writers save at once, the server ends the
 * sessions of a reader again and again (`pg_terminate_backend`, as a failover or an operator
 * does) — a projection runner's (its view's transactions, its reads, and the LISTEN connection
 * its subscription is woken by) and a plain subscriber's. Nothing is missed and nothing
 * repeated: the projection counts each event exactly once and keeps going, and the subscriber
 * sees each notification once, in order.
 *
 * The readers are found by the names their connections give the server: the view's datastore
 * has a name of its own; the application's connections are named after it (`CutWorlds`, which
 * no other test uses), and among them the reader's are those that last listened or read
 * (the writers' last inserted, committed or notified).
 */
import type pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { closedAfter as closedAfterTest, connection } from "../../postgres/test/server.js";
import { ProjectionRunner } from "../src/index.js";
import { sleep, until } from "./processes.js";
import { countingView, expectedCounts } from "./projection-views.js";
import { stores } from "./stores.js";
import { World, Worlds } from "./worlds.js";
import { keepSaving } from "./writers.js";

class CutWorlds extends Worlds {
  static override applicationName = "CutWorlds";
}

const WRITERS = 4;
const CUTS = 15;
const VIEW_CONNECTIONS = "CutWorlds_view";

const LISTENING = "application_name = 'CutWorlds' AND query LIKE 'LISTEN%'";
const READING =
  "application_name = 'CutWorlds' AND query LIKE 'SELECT%' AND query NOT LIKE 'SELECT pg_notify%'";
const VIEWING = `application_name = '${VIEW_CONNECTIONS}'`;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

function closedAfter<T extends { close(): Promise<void> }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

/** Ends the server sessions `where` picks out; resolves with how many. */
async function terminate(admin: pg.Client, where: string): Promise<number> {
  const { rows } = await admin.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE ${where}`,
  );
  return rows.length;
}

/** How many server sessions `where` picks out. */
async function sessions(admin: pg.Client, where: string): Promise<number> {
  const { rows } = await admin.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${where}`,
  );
  return rows[0]?.n as number;
}

/**
 * What each test starts with: an environment with a schema of its own, in which writers NOTIFY;
 * writers of their own, saving all along (a save cut short may fail); a connection to end
 * sessions with.
 */
async function setting() {
  const env: Record<string, string> = {
    ...(stores.find(([store]) => store === "postgres")?.[1]() ?? {}),
    POSTGRES_NOTIFY_SUBSCRIBERS: "true",
  };
  const made = Array.from({ length: WRITERS }, () => closedAfter(new CutWorlds({ env })));
  const writing = keepSaving(made, { pauseMs: 2, tolerateTransient: true });
  cleanups.push(() => writing.stop());
  return { env, admin: await connection(), writer: made[0] as CutWorlds, writing };
}

describe("connections cut on PostgreSQL", () => {
  it("a projection runner counts every event exactly once, and keeps going", async () => {
    const started = Date.now();
    const { env, admin, writer, writing } = await setting();
    const reader = closedAfter(new CutWorlds({ env }));
    const counting = await countingView(reader, {
      datastore: closedAfterTest({ applicationName: VIEW_CONNECTIONS }),
    });
    const runner = new ProjectionRunner({
      application: reader,
      projection: counting.projection(),
      view: counting.view,
      pageSize: 10,
      // Woken by NOTIFY (or by its LISTEN connection made again), not by polling.
      pollIntervalMs: 60_000,
    });
    cleanups.push(() => runner.stop());
    // A backlog, so that the runner is busy in its view's transactions when the cuts come.
    while ((await reader.recorder.maxNotificationId()) < 2_000) await sleep(20);
    await runner.start();

    const cut = { view: 0, reads: 0, listen: 0 };
    for (let round = 0; round < CUTS; round++) {
      // A failed page ends the runner's subscription, and its LISTEN connection with it: the
      // listening connection is cut in rounds of its own, once there is one.
      const listening = round % 2 === 1;
      if (listening) await until(async () => (await sessions(admin, LISTENING)) === 1, "a LISTEN");
      const before = runner.position;
      await until(() => runner.position > before, "the runner processes");
      await sleep(Math.random() * 20);
      if (listening) cut.listen += await terminate(admin, LISTENING);
      else {
        cut.view += await terminate(admin, VIEWING);
        cut.reads += await terminate(admin, READING);
      }
    }
    const written = await writing.stop();
    await runner.caughtUp({ timeoutMs: 60_000 });

    const counts = await counting.counts();
    expect(counts).toEqual(await expectedCounts(reader));
    const events = (await reader.recorder.selectNotifications(1, 10_000_000)).length;
    const counted = Object.values(counts).reduce((sum, n) => sum + n, 0);
    expect(counted).toBe(events);
    expect(runner.error).toBeUndefined();
    expect(runner.running).toBe(true);
    expect(runner.retries).toBeGreaterThan(0);
    expect(cut.view).toBeGreaterThan(0);
    expect(cut.listen).toBeGreaterThan(0);
    // It listens again: a save is seen at once (the next poll is a minute away).
    await until(async () => (await sessions(admin, LISTENING)) === 1, "the runner listens again");
    const world = World.create();
    const [id] = await writer.save(world);
    await runner.waitFor(id as number, { timeoutMs: 30_000 });

    console.info(
      `connections cut under a projection runner: ${CUTS} rounds ended ${cut.view} view, ${cut.reads} reading and ${cut.listen} listening sessions; ${runner.retries} retries; ${WRITERS} writers, ${written.saves} saves (${written.outOfOrder} back out of id order, ${written.failed} failed); ${events} events, counted ${counted}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 180_000);

  it("a subscriber sees every notification once, in order", async () => {
    const started = Date.now();
    const { env, admin, writer, writing } = await setting();
    const subscriber = closedAfter(new CutWorlds({ env }));
    const seen: number[] = [];
    const subscription = subscriber.subscribe({ pollIntervalMs: 60_000 });
    cleanups.push(() => subscription.return());
    const reading = (async () => {
      for await (const { tracking } of subscription) seen.push(tracking.notificationId);
    })();

    const cut = { reads: 0, listen: 0 };
    for (let round = 0; round < CUTS; round++) {
      await until(async () => (await sessions(admin, LISTENING)) === 1, "a LISTEN");
      const before = seen.length;
      await until(() => seen.length > before, "the subscriber reads");
      await sleep(Math.random() * 20);
      cut.reads += await terminate(admin, READING);
      cut.listen += await terminate(admin, LISTENING);
    }
    const written = await writing.stop();
    // One more save, once the writers have stopped: woken by its NOTIFY.
    const [last] = await writer.save(World.create());
    await until(() => (seen.at(-1) ?? 0) >= (last as number), "the subscriber has seen all");
    await subscription.return();
    await reading;

    const ids = (await subscriber.recorder.selectNotifications(1, 10_000_000)).map((n) => n.id);
    expect(seen).toEqual(ids);
    expect(cut.reads).toBeGreaterThan(0);
    expect(cut.listen).toBeGreaterThan(0);

    console.info(
      `connections cut under a subscriber: ${CUTS} rounds ended ${cut.reads} reading and ${cut.listen} listening sessions; ${WRITERS} writers, ${written.saves} saves (${written.outOfOrder} back out of id order, ${written.failed} failed); ${ids.length} notifications, seen ${seen.length}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 180_000);
});
