/**
 * The aggregate cache (`AGGREGATE_CACHE_MAXSIZE`): gets return copies of the latest version
 * saved or read, fast-forwarded from the store unless `AGGREGATE_CACHE_FASTFORWARD` is off, and
 * a cache that is behind never hides a conflict: in one process, between instances with
 * connections of their own, and between processes.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Application } from "@es/application";
import { Aggregate, event } from "@es/domain";
import { ConfigurationError, HashChain, IntegrityError, verifyStore } from "@es/persistence-core";
import { afterEach, describe, expect, it } from "vitest";
import { SingleThreadedRunner, System } from "../src/index.js";
import { sleep, tsx } from "./processes.js";
import { stores } from "./stores.js";
import { Counters, World, Worlds } from "./worlds.js";

const opened: Application[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

function worlds(env: Record<string, string>): Worlds {
  const app = new Worlds({ env });
  opened.push(app);
  return app;
}

/**
 * Runs cache-writer.ts in a process of its own: `ready` resolves as it starts writing, `done`
 * with how many conflicts it retried.
 */
function writerProcess(
  env: Record<string, string>,
  worldId: string,
  count: number,
): { ready: Promise<void>; done: Promise<{ conflicts: number }> } {
  const child = spawn(
    process.execPath,
    [
      "--import",
      tsx,
      fileURLToPath(new URL("./cache-writer.ts", import.meta.url)),
      JSON.stringify(env),
      worldId,
      String(count),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  let started: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  child.stdout?.on("data", (chunk) => {
    out += chunk;
    if (out.startsWith("ready\n")) started();
  });
  const done = new Promise<{ conflicts: number }>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      started();
      const [, result = ""] = out.split("\n");
      if (code === 0) resolve(JSON.parse(result) as { conflicts: number });
      else reject(new Error(`the writer process exited with ${code}`));
    });
  });
  return { ready, done };
}

/** Makes `count` things happen in the world, getting it again after each conflict. */
async function keepChanging(app: Worlds, worldId: string, count: number, prefix: string) {
  let conflicts = 0;
  let lastSaved = 0;
  let wentBack = 0;
  for (let i = 0; i < count; i++) {
    await sleep(2);
    for (;;) {
      const world = await app.repository.get<World>(worldId);
      if (world.version < lastSaved) wentBack++;
      world.makeItSo({ what: `${prefix}-${i}` });
      try {
        await app.save(world);
        lastSaved = world.version;
        break;
      } catch (error) {
        if (!(error instanceof IntegrityError)) throw error;
        conflicts++;
      }
    }
  }
  return { conflicts, wentBack };
}

/** An aggregate whose state no snapshot could take (a symbol), though its events are plain. */
class Holder extends Aggregate {
  held: unknown = null;

  @event("Held")
  hold({ what }: { what: string }) {
    this.held = { what, at: Symbol(what) };
  }
}

describe.each(stores)("the aggregate cache on %s", (store, storeEnv) => {
  const durable = store !== "in-memory";

  it("gets a copy each time: changing one, a list inside it too, changes no other", async () => {
    const app = worlds({ ...storeEnv(), AGGREGATE_CACHE_MAXSIZE: "10" });
    const id = await app.createWorld();
    await app.makeItSo(id, "dinosaurs");
    const first = await app.repository.get<World>(id);
    first.history.push("changed behind the cache's back");
    const second = await app.repository.get<World>(id);
    expect(second).not.toBe(first);
    expect(second.history).toEqual(["dinosaurs"]);
    expect(second.version).toBe(2);
    expect(second).toBeInstanceOf(World);
  });

  it("keeps what a save recorded, not events triggered while it was saving", async () => {
    const app = worlds({
      ...storeEnv(),
      AGGREGATE_CACHE_MAXSIZE: "10",
      AGGREGATE_CACHE_FASTFORWARD: "n",
    });
    const world = World.create();
    world.makeItSo({ what: "recorded" });
    const saving = app.save(world);
    world.makeItSo({ what: "triggered meanwhile" });
    await saving;
    const got = await app.repository.get<World>(world.id);
    expect(got.history).toEqual(["recorded"]);
    expect(got.version).toBe(2);
    // The one triggered meanwhile is saved next, and then got.
    await app.save(world);
    expect((await app.repository.get<World>(world.id)).history).toEqual([
      "recorded",
      "triggered meanwhile",
    ]);
  });

  it("gets a version asked for from the store, whatever is cached", async () => {
    const app = worlds({ ...storeEnv(), AGGREGATE_CACHE_MAXSIZE: "0" });
    const id = await app.createWorld();
    await app.makeItSo(id, "dinosaurs");
    await app.makeItSo(id, "trucks");
    expect((await app.repository.get<World>(id, { version: 2 })).history).toEqual(["dinosaurs"]);
    expect((await app.repository.get<World>(id)).history).toEqual(["dinosaurs", "trucks"]);
  });

  it("refuses a size that isn't a whole number >= 0, naming the variable", async () => {
    for (const size of ["-1", "ten", "1.5"]) {
      const app = new Worlds({ env: { ...storeEnv(), AGGREGATE_CACHE_MAXSIZE: size } });
      opened.push(app);
      const error = await app.ready.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain("AGGREGATE_CACHE_MAXSIZE");
    }
  });

  it("doesn't keep an aggregate whose state can't be encoded, and saves and gets it", async () => {
    const app = worlds({ ...storeEnv(), AGGREGATE_CACHE_MAXSIZE: "10" });
    const holder = Holder.create();
    holder.hold({ what: "a symbol" });
    await app.save(holder);
    const got = await app.repository.get<Holder>(holder.id);
    expect(got.version).toBe(2);
    expect((got.held as { what: string }).what).toBe("a symbol");
  });

  it("carries the hash chain's head, so saves after cached gets keep the chain whole", async () => {
    const env = { ...storeEnv(), AGGREGATE_CACHE_MAXSIZE: "10", IS_EVENT_HASHING_ENABLED: "y" };
    const app = worlds(env);
    const id = await app.createWorld();
    for (const what of ["dinosaurs", "trucks", "internet"]) await app.makeItSo(id, what);
    if (durable) {
      // Another instance saves; this one fast-forwards over its event, checking its link.
      await worlds(env).makeItSo(id, "meteor");
      await app.makeItSo(id, "rain");
    }
    const report = await verifyStore(app.recorder, { chain: new HashChain(app.name) });
    expect(report.violationCount).toBe(0);
    expect((await (durable ? worlds(env) : app).repository.get<World>(id)).history).toEqual(
      durable
        ? ["dinosaurs", "trucks", "internet", "meteor", "rain"]
        : ["dinosaurs", "trucks", "internet"],
    );
  });
});

describe.each(stores.filter(([store]) => store !== "in-memory"))(
  "the aggregate cache on %s, with other writers",
  (store, storeEnv) => {
    it("fast-forwards a cached aggregate over what other writers saved (the default)", async () => {
      const env = { ...storeEnv(), AGGREGATE_CACHE_MAXSIZE: "10" };
      const app = worlds(env);
      const other = worlds(env);
      const id = await app.createWorld();
      await app.makeItSo(id, "dinosaurs");
      await other.makeItSo(id, "trucks");
      const got = await app.repository.get<World>(id);
      expect(got.history).toEqual(["dinosaurs", "trucks"]);
      got.makeItSo({ what: "internet" });
      await app.save(got);
      expect((await other.repository.get<World>(id)).history).toEqual([
        "dinosaurs",
        "trucks",
        "internet",
      ]);
    });

    it("without fast-forwarding, gets what it cached, and a save of it conflicts rather than hiding another writer's", async () => {
      const env = {
        ...storeEnv(),
        AGGREGATE_CACHE_MAXSIZE: "10",
        AGGREGATE_CACHE_FASTFORWARD: "n",
      };
      const app = worlds(env);
      const other = worlds(env);
      const id = await app.createWorld();
      await app.makeItSo(id, "dinosaurs");
      await other.makeItSo(id, "trucks");
      const stale = await app.repository.get<World>(id);
      expect(stale.history).toEqual(["dinosaurs"]);
      stale.makeItSo({ what: "internet" });
      await expect(app.save(stale)).rejects.toBeInstanceOf(IntegrityError);
      // The conflict took the copy out of the cache: the next get reads the store.
      const fresh = await app.repository.get<World>(id);
      expect(fresh.history).toEqual(["dinosaurs", "trucks"]);
      fresh.makeItSo({ what: "internet" });
      await app.save(fresh);
      // The other instance's cache is behind now, as this one's was: a reader without one.
      const reader = worlds({ ...env, AGGREGATE_CACHE_MAXSIZE: "" });
      expect((await reader.repository.get<World>(id)).history).toEqual([
        "dinosaurs",
        "trucks",
        "internet",
      ]);
    });

    it("keeps a follower's cache in step with what its pages record, fast-forwarding or not", async () => {
      for (const fastForward of ["y", "n"]) {
        const env = {
          ...storeEnv(),
          AGGREGATE_CACHE_MAXSIZE: "100",
          AGGREGATE_CACHE_FASTFORWARD: fastForward,
        };
        const runner = new SingleThreadedRunner(new System([[Worlds, Counters]]), { env });
        await runner.start();
        try {
          const worlds = runner.get(Worlds);
          const id = await worlds.createWorld();
          // Each save has the counters process it at once (a failure would be thrown here).
          for (let i = 0; i < 5; i++) await worlds.makeItSo(id, "dinosaurs");
          const counters = runner.get(Counters);
          expect(await counters.processRecorder.maxTrackingId("Worlds")).toBe(6);
          // Each page got its counter from the cache, which the page before had kept.
          expect(await counters.getCount("dinosaurs")).toBe(5);
        } finally {
          await runner.stop();
        }
      }
    });

    it("loses no change and never goes back a version with writers in two processes at once", {
      timeout: 60_000,
    }, async () => {
      for (const fastForward of ["y", "n"]) {
        const env = {
          ...storeEnv(),
          AGGREGATE_CACHE_MAXSIZE: "10",
          AGGREGATE_CACHE_FASTFORWARD: fastForward,
        };
        const app = worlds(env);
        const id = await app.createWorld();
        const count = 40;
        const other = writerProcess(env, id, count);
        await other.ready;
        const [here, there] = await Promise.all([keepChanging(app, id, count, "here"), other.done]);
        const { history, version } = await worlds(env).repository.get<World>(id);
        expect(history).toHaveLength(2 * count);
        expect(new Set(history).size).toBe(2 * count);
        expect(version).toBe(2 * count + 1);
        // A get after its own save never shows an earlier version (fast-forwarding or not).
        expect(here.wentBack).toBe(0);
        // Without fast-forwarding, this process's copy falls behind each time the other saves:
        // its saves then conflict, and are retried from the store.
        if (fastForward === "n") expect(here.conflicts).toBeGreaterThan(0);
        console.info(
          `${store}, fast-forward ${fastForward}: ${here.conflicts} conflicts here, ${there.conflicts} in the other process, all retried`,
        );
      }
    });
  },
);
