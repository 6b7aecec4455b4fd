/**
 * Projection runners, on every store: a view catches up from where it got to, follows live, a
 * page per transaction, exactly once whatever stops it and however many runners run it; a
 * failing projection stops with the event named and nothing of its page written; `waitFor`
 * resolves once the view shows a save.
 */
import { getTopic } from "@es/domain";
import { TrackingTimeoutError } from "@es/persistence-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ProjectionError, type ProjectionProgress, ProjectionRunner } from "../src/index.js";
import { type CountingView, countingView, expectedCounts } from "./projection-views.js";
import { stores } from "./stores.js";
import { World, Worlds } from "./worlds.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

function made<T extends { close(): Promise<void> } | { stop(): Promise<void> }>(thing: T): T {
  cleanups.push(() => ("stop" in thing ? thing.stop() : thing.close()));
  return thing;
}

const runnerOf = (
  worlds: Worlds,
  counting: CountingView,
  options: Partial<ConstructorParameters<typeof ProjectionRunner>[0]> = {},
) =>
  made(
    new ProjectionRunner({
      application: worlds,
      projection: counting.projection(),
      view: counting.view,
      pollIntervalMs: 60_000,
      ...options,
    }),
  );

/** Saves `count` worlds, each with `happenings` things happened: each is 1 + happenings events. */
async function saveWorlds(worlds: Worlds, count: number, happenings = 1): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const world = World.create();
    for (let j = 0; j < happenings; j++) world.makeItSo({ what: `thing-${j}` });
    ids.push(...(await worlds.save(world)));
  }
  return ids;
}

describe.each(stores)("a projection runner on %s", (_, env) => {
  it("catches up a page at a time, then follows live; waitFor resolves once the view shows a save", async () => {
    const values = env();
    const worlds = made(new Worlds({ env: values }));
    await saveWorlds(worlds, 5, 2);
    const counting = await countingView(worlds);
    const reports: ProjectionProgress[] = [];
    const runner = runnerOf(worlds, counting, {
      pageSize: 4,
      onProgress: (progress) => reports.push(progress),
    });
    await runner.start();
    await runner.caughtUp({ timeoutMs: 20_000 });
    expect(await counting.counts()).toEqual(await expectedCounts(worlds));
    expect(runner.position).toBe(15);
    expect(await counting.view.maxTrackingId("Worlds")).toBe(15);
    // Reported as it went, and once caught up.
    expect(reports.at(-1)).toMatchObject({
      projection: "counting",
      position: 15,
      head: 15,
      processed: 15,
      caughtUp: true,
    });

    // Live: woken by the save (its poll is a minute away).
    const ids = await saveWorlds(worlds, 1, 3);
    await runner.waitFor(ids.at(-1) as number, { timeoutMs: 20_000 });
    expect(await counting.counts()).toEqual(await expectedCounts(worlds));
    // A full page came last: the read after it, finding nothing, says it has caught up.
    await vi.waitFor(() => expect(runner.progress.caughtUp).toBe(true), { timeout: 20_000 });
    expect(runner.progress).toMatchObject({ position: 19, processed: 19, head: 19 });
    await runner.stop();

    // Started again, it resumes after what the view tracked.
    await saveWorlds(worlds, 2, 1);
    const again = runnerOf(worlds, await countingView(worlds));
    if (!values.INFRASTRUCTURE_FACTORY) return; // an in-memory view doesn't outlive its object
    await again.start();
    expect(again.position).toBe(19);
    await again.caughtUp({ timeoutMs: 20_000 });
    expect(again.progress.processed).toBe(4);
    expect(await counting.counts()).toEqual(await expectedCounts(worlds));
  });

  it("processes only its topics, and waitFor needs nothing more for a notification of another", async () => {
    const worlds = made(new Worlds({ env: env() }));
    const counting = await countingView(worlds);
    const happened = getTopic(World.SomethingHappened);
    const runner = runnerOf(worlds, counting, {
      projection: counting.projection({ topics: [happened] }),
    });
    await runner.start();
    const ids = await saveWorlds(worlds, 3, 2);
    await runner.waitFor(ids.at(-1) as number, { timeoutMs: 20_000 });
    const expected = await expectedCounts(worlds);
    for (const id of Object.keys(expected)) expected[id] = (expected[id] ?? 0) - 1;
    expect(await counting.counts()).toEqual(expected);
    // A world created is of no topic of the projection: nothing to wait for.
    const [created] = await saveWorlds(worlds, 1, 0);
    await runner.waitFor(created as number, { timeoutMs: 20_000 });
    expect(runner.position).toBe(ids.at(-1));
  });

  it("resolves a waiter whose check of the topics raced with the page that settles it", async () => {
    const worlds = made(new Worlds({ env: env() }));
    const counting = await countingView(worlds);
    const runner = runnerOf(worlds, counting, {
      projection: counting.projection({ topics: [getTopic(World.SomethingHappened)] }),
    });
    await runner.start();
    // The waiter's check (whether a notification of the topics is left up to its id) is held
    // until the runner has processed the one there is, so it finds that one still to come.
    const select = worlds.recorder.selectNotifications.bind(worlds.recorder);
    vi.spyOn(worlds.recorder, "selectNotifications").mockImplementation(
      async (start, limit, options) => {
        if (options?.stop !== undefined) {
          await vi.waitFor(() => expect(runner.position).toBeGreaterThanOrEqual(2), {
            timeout: 20_000,
          });
        }
        return select(start, limit, options);
      },
    );
    await saveWorlds(worlds, 1, 1); // 1 created, 2 happened: of the topics
    const [created] = await saveWorlds(worlds, 1, 0); // 3: of none of them
    await runner.waitFor(created as number, { timeoutMs: 20_000 });
    expect(runner.position).toBe(2);
  });

  it("stops at an event its projection fails at, naming it, with nothing of the page written, and resumes there", async () => {
    const values = env();
    const worlds = made(new Worlds({ env: values }));
    const ids = await saveWorlds(worlds, 4, 1);
    const counting = await countingView(worlds);
    const bad = await worlds.recorder.selectNotifications(6, 1);
    const badId = bad[0]?.originatorId;
    const failing = runnerOf(worlds, counting, {
      pageSize: 3,
      projection: counting.projection({ failAt: (event) => event.originatorId === badId }),
    });
    await failing.start();
    const failed = failing.waitFor(ids.at(-1) as number, { timeoutMs: 20_000 });
    await expect(failed).rejects.toThrow(ProjectionError);
    const error = failing.error as ProjectionError;
    expect(error.projectionName).toBe("counting");
    expect(error.notificationId).toBe(5);
    expect(error.message).toBe(
      `Projection 'counting' failed at notification 5 of 'Worlds' (World.Created, ${badId} v1): can't count ${badId}`,
    );
    expect(failing.running).toBe(false);
    await expect(failing.stop()).rejects.toBe(error);
    // Pages 1-3 committed; 4-6 rolled back (4 isn't counted, though it came before the failure).
    expect(await counting.view.maxTrackingId("Worlds")).toBe(3);
    const counted = await counting.counts();
    expect(Object.values(counted).reduce((a, b) => a + b, 0)).toBe(3);
    await expect(failing.waitFor(8)).rejects.toBe(error);

    // Fixed, it resumes at the page that failed, and counts each event once.
    const fixed = runnerOf(worlds, counting, { pageSize: 3 });
    await fixed.start();
    await fixed.caughtUp({ timeoutMs: 20_000 });
    expect(await counting.counts()).toEqual(await expectedCounts(worlds));
  });

  it("stops with an error naming the table when the view's tables were dropped by hand", async () => {
    const values = env();
    if (!values.INFRASTRUCTURE_FACTORY) return; // an in-memory view has no tables
    const worlds = made(new Worlds({ env: values }));
    const counting = await countingView(worlds);
    const runner = runnerOf(worlds, counting);
    await runner.start();
    await runner.waitFor((await saveWorlds(worlds, 1, 0))[0] as number, { timeoutMs: 20_000 });
    await counting.drop();
    const [id] = await saveWorlds(worlds, 1, 0);
    await expect(runner.waitFor(id as number, { timeoutMs: 20_000 })).rejects.toThrow(
      /^Projection 'counting' failed at notification 2 of 'Worlds' \(World.Created, [-\w]+ v1\): (no such table: counts \(SQLITE_ERROR\)|relation "counts" does not exist \(SQLSTATE 42P01\))$/,
    );
    expect(runner.error).toBeInstanceOf(ProjectionError);
    expect(await counting.view.maxTrackingId("Worlds")).toBe(1);
  });

  it("gives a projection that processes pages each page's events at once, in order", async () => {
    const worlds = made(new Worlds({ env: env() }));
    await saveWorlds(worlds, 4, 2);
    const counting = await countingView(worlds);
    const pages: number[][] = [];
    const runner = runnerOf(worlds, counting, {
      pageSize: 5,
      projection: counting.pageProjection({ pages }),
    });
    await runner.start();
    await runner.caughtUp({ timeoutMs: 20_000 });
    expect(pages).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
      [11, 12],
    ]);
    expect(await counting.counts()).toEqual(await expectedCounts(worlds));
    const ids = await saveWorlds(worlds, 1, 1);
    await runner.waitFor(ids.at(-1) as number, { timeoutMs: 20_000 });
    expect(pages.at(-1)).toEqual(ids);
    expect(await counting.counts()).toEqual(await expectedCounts(worlds));
  });

  it("stops at a page its projection fails at, naming the page, with nothing of it written", async () => {
    const worlds = made(new Worlds({ env: env() }));
    await saveWorlds(worlds, 4, 1);
    const counting = await countingView(worlds);
    const [bad] = await worlds.recorder.selectNotifications(6, 1);
    const runner = runnerOf(worlds, counting, {
      pageSize: 3,
      projection: counting.pageProjection({
        failAt: (event) => event.originatorId === bad?.originatorId,
      }),
    });
    await runner.start();
    await expect(runner.caughtUp({ timeoutMs: 20_000 })).rejects.toThrow(
      `Projection 'page-counting' failed at notifications 4-6 of 'Worlds': can't count ${bad?.originatorId}`,
    );
    expect(runner.error?.notificationId).toBe(0);
    expect(await counting.view.maxTrackingId("Worlds")).toBe(3);
    expect(Object.values(await counting.counts()).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it("counts each event once when two runners run one projection, with pages of different sizes", async () => {
    const values = env();
    const worlds = made(new Worlds({ env: values }));
    await saveWorlds(worlds, 10, 2);
    const counting = await countingView(worlds);
    const other = values.INFRASTRUCTURE_FACTORY ? await countingView(worlds) : counting;
    const one = runnerOf(worlds, counting, { pageSize: 3 });
    const two = runnerOf(worlds, other, { pageSize: 7 });
    await Promise.all([one.start(), two.start()]);
    const ids = await Promise.all([saveWorlds(worlds, 10, 2), saveWorlds(worlds, 10, 1)]);
    const last = Math.max(...ids.flat());
    await Promise.all([
      one.waitFor(last, { timeoutMs: 30_000 }),
      two.waitFor(last, { timeoutMs: 30_000 }),
    ]);
    expect(await counting.counts()).toEqual(await expectedCounts(worlds));
    expect(one.progress.processed + two.progress.processed).toBe(last);
  });

  it("rebuilds its view beside the live one while saves go on, switching in a whole view", async () => {
    const worlds = made(new Worlds({ env: env() }));
    await saveWorlds(worlds, 6, 2);
    const counting = await countingView(worlds);
    let weight = 1;
    const runner = runnerOf(worlds, counting, {
      pageSize: 5,
      projection: counting.projection({ weight: () => weight }),
    });
    await runner.start();
    await runner.caughtUp({ timeoutMs: 20_000 });
    const before = await counting.counts();
    expect(before).toEqual(await expectedCounts(worlds));

    // The projection changes (each event now counts 10): rebuilt, with saves under way.
    weight = 10;
    const seen: Promise<Record<string, number>>[] = [];
    const saving = saveWorlds(worlds, 5, 1);
    await runner.rebuild({
      // While the rebuild is built, readers see the live view: never a half-built one.
      onProgress: () => void seen.push(counting.counts()),
    });
    await saving;
    const more = await saveWorlds(worlds, 2, 1);
    await runner.waitFor(more.at(-1) as number, { timeoutMs: 20_000 });
    const expected = await expectedCounts(worlds);
    for (const id of Object.keys(expected)) expected[id] = (expected[id] ?? 0) * 10;
    expect(await counting.counts()).toEqual(expected);
    expect(seen.length).toBeGreaterThan(0);
    for (const counts of await Promise.all(seen)) {
      for (const [id, count] of Object.entries(before)) expect(counts[id]).toBe(count);
    }
    expect(runner.running).toBe(true);
  });

  it("discards a rebuild its projection fails in, the live view as it was and still followed", async () => {
    const worlds = made(new Worlds({ env: env() }));
    await saveWorlds(worlds, 3, 1);
    const counting = await countingView(worlds);
    let failing = false;
    const runner = runnerOf(worlds, counting, {
      projection: counting.projection({ failAt: () => failing }),
    });
    await runner.start();
    await runner.caughtUp({ timeoutMs: 20_000 });
    failing = true;
    await expect(runner.rebuild()).rejects.toThrow(
      /^Projection 'counting' failed at notification 1 of 'Worlds'/,
    );
    failing = false;
    expect(await counting.counts()).toEqual(await expectedCounts(worlds));
    expect(runner.error).toBeUndefined();
    const ids = await saveWorlds(worlds, 1, 1);
    await runner.waitFor(ids.at(-1) as number, { timeoutMs: 20_000 });
    expect(await counting.counts()).toEqual(await expectedCounts(worlds));
  });

  it("waits no longer than told, and tells waiters it stopped; stopped, it leaves no timer", async () => {
    const worlds = made(new Worlds({ env: env() }));
    const counting = await countingView(worlds);
    const runner = runnerOf(worlds, counting);
    const timers = () =>
      process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;
    const before = timers();
    await runner.start();
    await expect(runner.waitFor(99, { timeoutMs: 10 })).rejects.toThrow(TrackingTimeoutError);
    const waiting = runner.waitFor(99, { timeoutMs: 60_000 });
    await runner.stop();
    await expect(waiting).rejects.toThrow("The runner of projection 'counting' is not running");
    await expect(runner.waitFor(99)).rejects.toThrow("is not running");
    await expect(runner.waitFor(-1)).rejects.toThrow(RangeError);
    expect(timers()).toBeLessThanOrEqual(before);
    await expect(runner.start()).rejects.toThrow("was started already");
  });
});
