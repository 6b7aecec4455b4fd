/**
 * Exactly once, under fire, for a projection: while several writers (application instances of
 * their own, each with its own connections) save at once — so that, on PostgreSQL, commits
 * come out of id order — the projection's worker process is killed with SIGKILL again and
 * again, each time at a random moment while it is processing, and started again by the runner.
 * At the end every upstream event has been counted exactly once, and the view's tracking
 * records (one per page) reach the last notification, none of them twice. Every other kill is
 * made to land inside a page's transaction, and each kill records whether the worker had a
 * transaction open when it landed (see transactions.ts): the summary counts them.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { MultiProcessRunner } from "../src/index.js";
import {
  describeKills,
  killWhileProcessing,
  multiProcessRunner,
  systemModule,
  until,
} from "./processes.js";
import { system } from "./projection-system.js";
import { countingView, expectedCounts } from "./projection-views.js";
import { stores } from "./stores.js";
import { trackingOf } from "./tracking.js";
import { transactionWatch } from "./transactions.js";
import { Worlds } from "./worlds.js";
import { keepSaving } from "./writers.js";

const KILLS = 20;
const WRITERS = 4;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

describe.each(stores.filter(([store]) => store !== "in-memory"))(
  "a projection's worker process killed %s",
  (store, makeEnv) => {
    it(`counts every upstream event exactly once after being killed ${KILLS} times while processing, with ${WRITERS} writers`, async () => {
      const started = Date.now();
      const env = makeEnv();
      const module = systemModule("projection-system");
      const runner: MultiProcessRunner = multiProcessRunner(system, env, {
        module,
        projections: [{ module, exportName: "counting" }],
      });
      cleanups.push(() => runner.stop());
      await runner.start();
      const counting = await countingView(runner.get(Worlds));

      // Writers of their own, made with the runner's environment (so, on PostgreSQL, they
      // NOTIFY the projection's worker after each commit), each saving all along.
      const writers = Array.from({ length: WRITERS }, () => new Worlds({ env: runner.env }));
      for (const writer of writers) cleanups.push(() => writer.close());
      const writing = keepSaving(writers);
      cleanups.push(() => writing.stop());

      // Killed while processing: once it has tracked a page, at a random moment after, or
      // (every other kill) once caught inside a page's transaction.
      const watch = await transactionWatch(store, env, "counts_tracking");
      cleanups.push(() => watch.close());
      const kills = await killWhileProcessing(
        KILLS,
        () => runner.projectionPid("counting"),
        () => counting.view.maxTrackingId("Worlds"),
        watch,
      );
      await until(() => runner.restarts === KILLS, "the last worker is started again");
      const { saves, outOfOrder } = await writing.stop();
      await runner.idle();

      const worlds = runner.get(Worlds);
      const notifications = await worlds.recorder.selectNotifications(1, 10_000_000);
      const counts = await counting.counts();
      expect(counts).toEqual(await expectedCounts(worlds));
      const counted = Object.values(counts).reduce((sum, n) => sum + n, 0);
      expect(counted).toBe(notifications.length);
      expect(Object.keys(counts)).toHaveLength(saves);
      // A tracking record per page (its last notification), none twice, the last one the last
      // notification: every notification is tracked, by the page it was processed in.
      const last = notifications.at(-1)?.id as number;
      const tracked = await trackingOf(store, env, "counts_tracking", "Worlds");
      expect(tracked).toEqual({
        rows: tracked.distinct,
        distinct: tracked.distinct,
        first: tracked.first,
        last,
      });
      expect(tracked.rows).toBeLessThan(notifications.length);
      expect(runner.errors).toEqual([]);
      expect(runner.restarts).toBe(KILLS);
      // Some kills, at least, landed while a page's transaction was open.
      expect(kills.filter((kill) => kill.inTransaction).length).toBeGreaterThan(0);

      console.info(
        `projection reliability on ${store}: ${describeKills(kills)}, ${runner.restarts} restarts, ${WRITERS} writers, ${saves} saves (${outOfOrder} back out of id order), ${notifications.length} upstream events (last id ${last}), counted ${counted}, ${tracked.rows} tracking records, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }, 240_000);
  },
);
