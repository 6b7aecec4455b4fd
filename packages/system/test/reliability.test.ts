/**
 * Exactly once, under fire: while the upstream application and two other writers keep saving
 * (their commits out of id order, on PostgreSQL), the follower's worker process is killed with
 * SIGKILL again and again, each time at a random moment while it is processing, and started
 * again by the runner. At the end every upstream event, as the upstream log records it, has
 * been counted exactly once, and the tracking records (one per page of notifications
 * processed) reach the last notification, none of them twice. Every other kill is made to land
 * inside the transaction that records a page, and each kill records whether the worker had a
 * transaction open when it landed (see transactions.ts): the summary counts them.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  describeKills,
  killWhileProcessing,
  multiProcessRunner,
  sleep,
  until,
} from "./processes.js";
import { stores } from "./stores.js";
import { trackingOf } from "./tracking.js";
import { transactionWatch } from "./transactions.js";
import { Counters, World, Worlds } from "./worlds.js";
import { system } from "./worlds-system.js";
import { keepSaving } from "./writers.js";

const KILLS = 20;
/** Enough names that no counter's history grows long (each is replayed on every increment). */
const WHATS = Array.from({ length: 40 }, (_, i) => `thing-${i}`);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

describe.each(stores.filter(([store]) => store !== "in-memory"))(
  "a follower process killed %s",
  (store, makeEnv) => {
    it(`counts every upstream event exactly once after being killed ${KILLS} times while processing`, async () => {
      const started = Date.now();
      const env = makeEnv();
      const runner = multiProcessRunner(system, env);
      cleanups.push(() => runner.stop());
      await runner.start();
      const worlds = runner.get(Worlds);
      const counters = runner.get(Counters);
      const worldIds = [];
      for (let i = 0; i < 5; i++) worldIds.push(await worlds.createWorld());

      // The upstream application saves all along, in this process, and so do writers of their
      // own beside it (with connections of their own: on PostgreSQL their commits come out of
      // id order), so that pages the worker reads are written by several at once.
      let saving = true;
      const saver = (async () => {
        for (let i = 0; saving; i++) {
          const what = WHATS[i % WHATS.length] as string;
          await worlds.makeItSo(worldIds[i % worldIds.length] as string, what);
          await sleep(1);
        }
      })();
      const others = [0, 1].map(() => new Worlds({ env }));
      const writing = keepSaving(others, { pauseMs: 5 });

      // Killed while processing: once it has recorded something, at a random moment after, or
      // (every other kill) once caught inside the transaction that records a page.
      const watch = await transactionWatch(store, env, "counters_tracking");
      cleanups.push(() => watch.close());
      const kills = await killWhileProcessing(
        KILLS,
        () => runner.pidOf(Counters),
        () => counters.processRecorder.maxTrackingId("Worlds"),
        watch,
      );
      await until(() => runner.restarts === KILLS, "the last worker is started again");
      saving = false;
      await saver;
      const { outOfOrder } = await writing.stop();
      for (const other of others) await other.close();
      await runner.idle();

      // What happened upstream, as its log records it: the truth the counts are checked against.
      const expected = new Map<string, number>();
      for (const notification of await worlds.recorder.selectNotifications(1, 10_000_000)) {
        const event = worlds.mapper.toDomainEvent(notification);
        if (!(event instanceof World.SomethingHappened)) continue;
        const { what } = event as unknown as { what: string };
        expected.set(what, (expected.get(what) ?? 0) + 1);
      }
      const upstream = [...expected.values()].reduce((sum, n) => sum + n, 0);
      const things = [...expected.keys()];
      expect(WHATS.every((what) => expected.has(what))).toBe(true);
      const counts = await Promise.all(things.map((what) => counters.getCount(what)));
      expect(counts).toEqual(things.map((what) => expected.get(what)));
      const notifications = await worlds.recorder.maxNotificationId();
      // A tracking record per page (its last notification), none twice, the last one the last
      // notification: every notification is tracked (by the page it was processed in).
      const tracked = await trackingOf(store, env, "counters_tracking", "Worlds");
      expect(tracked).toEqual({
        rows: tracked.distinct,
        distinct: tracked.distinct,
        first: tracked.first,
        last: notifications,
      });
      expect(tracked.first).toBeGreaterThanOrEqual(1);
      expect(tracked.rows).toBeLessThanOrEqual(notifications);
      // Counters recorded one Created per name and one Incremented per event: none twice.
      expect(await counters.recorder.maxNotificationId()).toBe(expected.size + upstream);
      expect(runner.errors).toEqual([]);
      expect(runner.restarts).toBe(KILLS);
      // Some kills, at least, landed while a page's transaction was open.
      expect(kills.filter((kill) => kill.inTransaction).length).toBeGreaterThan(0);

      console.info(
        `reliability on ${store}: ${describeKills(kills)}, ${runner.restarts} restarts, 3 writers (${outOfOrder} saves back out of id order), ${upstream} upstream events (${notifications} notifications), counted ${counts.reduce((a, b) => a + b, 0)}, ${tracked.rows} tracking records, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }, 180_000);
  },
);
