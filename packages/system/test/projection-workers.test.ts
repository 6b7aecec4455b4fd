/**
 * Projections as workers of the multi-process runner, on a SQLite file and on PostgreSQL: each
 * runs in a worker process of its own, woken by the store when the runner's applications save
 * (the workers never poll in these tests), is started again when it dies and resumes after what
 * its view tracked, and one whose projection fails is reported and not started again.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type MultiProcessRunner,
  type MultiProcessRunnerOptions,
  ProjectionError,
  SystemDefinitionError,
} from "../src/index.js";
import { isAlive, multiProcessRunner, systemModule, until } from "./processes.js";
import { system } from "./projection-system.js";
import { countingView } from "./projection-views.js";
import { stores } from "./stores.js";
import { Worlds } from "./worlds.js";

const runners: MultiProcessRunner[] = [];
afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop().catch(() => {});
});

const MODULE = systemModule("projection-system");
const projection = (exportName: string) => ({ module: MODULE, exportName });

const run = (
  env: Record<string, string>,
  options: Partial<MultiProcessRunnerOptions> = {},
): MultiProcessRunner => {
  const runner = multiProcessRunner(system, env, {
    module: MODULE,
    projections: [projection("counting")],
    // Woken by the store, or not at all while a test lasts.
    pollIntervalMs: 600_000,
    ...options,
  });
  runners.push(runner);
  return runner;
};

const durable = stores.filter(([store]) => store !== "in-memory");

describe.each(durable)("a projection of a multi-process runner on %s", (_store, env) => {
  it("runs in a worker process of its own, woken by saves; idle() waits for it; stopped, it ends", async () => {
    const runner = run(env());
    await runner.start();
    expect(runner.projectionNames).toEqual(["counting"]);
    const pid = runner.projectionPid("counting") as number;
    expect(pid).toBeTypeOf("number");
    expect(pid).not.toBe(process.pid);
    expect(isAlive(pid)).toBe(true);
    const worlds = runner.get(Worlds);
    const world = await worlds.createWorld();
    await worlds.makeItSo(world, "dinosaurs");
    await runner.idle();
    const counting = await countingView(worlds);
    expect(await counting.counts()).toEqual({ [world]: 2 });
    // Saved while the worker waits, caught up: the store wakes it.
    await worlds.makeItSo(world, "trucks");
    await runner.idle();
    expect(await counting.counts()).toEqual({ [world]: 3 });
    expect(await counting.view.maxTrackingId("Worlds")).toBe(3);
    await runner.stop();
    expect(isAlive(pid)).toBe(false);
    expect(runner.projectionPid("counting")).toBeUndefined();
  });

  it("is started again when it dies, and resumes after what its view tracked", async () => {
    const runner = run(env());
    await runner.start();
    const worlds = runner.get(Worlds);
    const world = await worlds.createWorld();
    await runner.idle();
    const first = runner.projectionPid("counting") as number;
    process.kill(first, "SIGKILL");
    // Saved while no worker runs: the next one catches up on it.
    await worlds.makeItSo(world, "dinosaurs");
    await until(() => runner.restarts === 1, "the worker is started again");
    await until(() => (runner.projectionPid("counting") ?? first) !== first, "a new worker runs");
    await worlds.makeItSo(world, "trucks");
    await runner.idle();
    expect(await (await countingView(worlds)).counts()).toEqual({ [world]: 3 });
    expect(runner.errors).toEqual([]);
  });

  it("is started again after a failure while starting that may pass", async () => {
    const log = join(tmpdir(), `es-flaky-view-${randomUUID()}`);
    process.env.FLAKY_VIEW_LOG = log;
    try {
      const runner = run(env(), { projections: [projection("flaky")] });
      await runner.start();
      const first = runner.projectionPid("flaky") as number;
      process.kill(first, "SIGKILL");
      // The second worker ends (a store down, as it starts); the third runs.
      await until(() => runner.restarts === 2, "the worker is started again twice");
      const worlds = runner.get(Worlds);
      const world = await worlds.createWorld();
      await runner.idle();
      expect(await (await countingView(worlds)).counts()).toEqual({ [world]: 1 });
      expect(readFileSync(log, "utf8")).toBe("start\nstart\nstart\n");
      expect(runner.errors).toEqual([]);
    } finally {
      delete process.env.FLAKY_VIEW_LOG;
      rmSync(log, { force: true });
    }
  });

  it("reports a projection that fails, naming the event, and doesn't start it again", async () => {
    const runner = run(env(), { projections: [projection("poisoned")] });
    await runner.start();
    const pid = runner.projectionPid("poisoned") as number;
    const worlds = runner.get(Worlds);
    const world = await worlds.createWorld();
    await worlds.makeItSo(world, "poison");
    const failed = await runner.idle().catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ProjectionError);
    expect(failed).toMatchObject({
      projectionName: "poisoned",
      notificationId: 2,
      message: `Projection 'poisoned' failed at notification 2 of 'Worlds' (World.SomethingHappened, ${world} v2): can't count ${world}`,
    });
    expect(runner.errors).toEqual([failed]);
    await until(() => !isAlive(pid), "the failed worker ends");
    expect(runner.restarts).toBe(0);
    expect(runner.projectionPid("poisoned")).toBeUndefined();
    await expect(runner.stop()).rejects.toBe(failed);
  });
});

describe("a multi-process runner's projections", () => {
  const sqlite = () => durable[0]?.[1]() ?? {};

  it("must follow an application of the system", async () => {
    const runner = run(sqlite(), { projections: [projection("strangers")] });
    const refused = runner.start();
    await expect(refused).rejects.toBeInstanceOf(SystemDefinitionError);
    await expect(refused).rejects.toThrow(
      `Projection 'strangers' ('strangers' of ${MODULE.href}) follows 'Counters', which isn't an application of this system`,
    );
  });

  it("must be definitions the module exports", async () => {
    const missing = run(sqlite(), { projections: [projection("nothing")] });
    await expect(missing.start()).rejects.toThrow(`${MODULE.href} exports nothing as 'nothing'`);
    const wrong = run(sqlite(), { projections: [projection("notADefinition")] });
    await expect(wrong.start()).rejects.toThrow(
      `'notADefinition' of ${MODULE.href} isn't a projection's definition: its projection has no name`,
    );
  });

  it("have each their own name", async () => {
    const runner = run(sqlite(), { projections: [projection("counting"), projection("counting")] });
    await expect(runner.start()).rejects.toThrow(
      "Two projections are named 'counting': give each its own",
    );
  });

  it("make the applications NOTIFY subscribers on PostgreSQL, unless the environment says", () => {
    expect(run({}).env.POSTGRES_NOTIFY_SUBSCRIBERS).toBe("true");
    expect(run({ POSTGRES_NOTIFY_SUBSCRIBERS: "no" }).env.POSTGRES_NOTIFY_SUBSCRIBERS).toBe("no");
    expect(run({}, { projections: [] }).env.POSTGRES_NOTIFY_SUBSCRIBERS).toBeUndefined();
  });
});
