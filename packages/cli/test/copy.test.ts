/**
 * `es copy`, run as a user runs it: a store of 100,000 events (with snapshots and tracking
 * records) copied from a SQLite file to PostgreSQL and back, equal record by record (notification
 * ids and bytes); a copy stopped by Ctrl-C and resumed, with nothing duplicated; and the targets
 * it refuses.
 */
import { once } from "node:events";
import {
  InfrastructureFactory,
  type Notification,
  type StoredEvent,
  tracking,
} from "@es/persistence-core";
import { describe, expect, it } from "vitest";
import { es, esStarted, freshStore, jsonLines, type StoreEnv } from "./stores.js";

const APP = ["--app", "Worlds"];
const EVENTS = 100_000;

/** The test run's server: what a user gives `--to` for PostgreSQL. */
const SERVER = ["HOST", "PORT", "USER", "PASSWORD", "DBNAME"].map(
  (name) => `POSTGRES_${name}=${process.env[`POSTGRES_${name}`] ?? ""}`,
);

/** `--to` arguments for a store's variables (and the server's, for PostgreSQL). */
const toArgs = (env: StoreEnv) =>
  [
    ...Object.entries(env).map(([key, value]) => `${key}=${value}`),
    ...(env.POSTGRES_SCHEMA ? SERVER : []),
  ].flatMap((pair) => ["--to", pair]);

const factoryOf = (env: StoreEnv) =>
  InfrastructureFactory.construct({ applicationName: "Worlds", env: { ...process.env, ...env } });

/** Fills a store with `events` events (every other one hashed), 100 snapshots and tracking. */
async function bulkFill(env: StoreEnv, events: number): Promise<void> {
  const factory = await factoryOf(env);
  try {
    const recorder = await factory.applicationRecorder();
    const hash = new Uint8Array(32).fill(3);
    for (let first = 0; first < events; first += 1000) {
      const batch: StoredEvent[] = [];
      for (let i = first; i < Math.min(first + 1000, events); i++) {
        const id = `aggregate-${Math.floor(i / 10)}`;
        batch.push({
          originatorId: id,
          originatorVersion: (i % 10) + 1,
          topic: i % 10 === 0 ? "World.Created" : "World.SomethingHappened",
          state: Buffer.from(`{"n":${i},"bytes":"\u0000\u00ff"}`),
          ...(i % 2 === 0 ? { hash } : {}),
        });
      }
      await recorder.insertEvents(batch);
    }
    const snapshots = await factory.aggregateRecorder("snapshots");
    await snapshots.insertEvents(
      Array.from({ length: 100 }, (_, i) => ({
        originatorId: `aggregate-${i}`,
        originatorVersion: 10,
        topic: "Snapshot",
        state: Buffer.from(`{"i":${i}}`),
      })),
    );
    const tracker = await factory.trackingRecorder();
    await tracker.insertTracking(tracking("Upstream", 41));
  } finally {
    await factory.close();
  }
}

/** Every notification, snapshot and tracking position of a store. */
async function contents(env: StoreEnv) {
  const factory = await factoryOf(env);
  try {
    const recorder = await factory.applicationRecorder();
    const notifications: Notification[] = [];
    for (let next = 1; ; ) {
      const page = await recorder.selectNotifications(next, 10_000);
      notifications.push(...page);
      if (page.length < 10_000) break;
      next = (page.at(-1)?.id ?? 0) + 1;
    }
    const normal = (n: Notification) => ({
      ...n,
      state: Buffer.from(n.state).toString("hex"),
      hash: n.hash && Buffer.from(n.hash).toString("hex"),
    });
    const records = await factory.storedRecords();
    return {
      notifications: notifications.map(normal),
      snapshots: (await records.read("snapshots", undefined, 1000)).map((s) =>
        Buffer.from(s.state).toString(),
      ),
      tracking: await records.read("tracking", undefined, 1000),
    };
  } finally {
    await factory.close();
  }
}

describe("es copy", () => {
  it("copies 100,000 events from SQLite to PostgreSQL and back, equal record by record", async () => {
    const sqlite = freshStore("sqlite");
    await bulkFill(sqlite, EVENTS);
    const postgres = freshStore("postgres");
    const there = es(["copy", ...APP, ...toArgs(postgres), "--json"], sqlite);
    expect(there.stderr).toBe("");
    expect(there.status).toBe(0);
    expect(jsonLines(there.stdout)[0]).toMatchObject({
      records: { events: EVENTS, snapshots: 100, tracking: 1 },
      copied: EVENTS + 101,
    });
    const original = await contents(sqlite);
    expect(original.notifications).toHaveLength(EVENTS);
    expect(await contents(postgres)).toEqual(original);

    const back = freshStore("sqlite");
    const returned = es(["copy", ...APP, ...toArgs(back), "--json"], {
      ...postgres,
      ...Object.fromEntries(SERVER.map((p) => p.split("=") as [string, string])),
    });
    expect(returned.stderr).toBe("");
    expect(await contents(back)).toEqual(original);

    // New events follow the largest id copied.
    const factory = await factoryOf(postgres);
    try {
      const ids = await (await factory.applicationRecorder()).insertEvents([
        {
          originatorId: "new",
          originatorVersion: 1,
          topic: "World.Created",
          state: Buffer.from("{}"),
        },
      ]);
      expect(ids).toEqual([EVENTS + 1]);
    } finally {
      await factory.close();
    }
  });

  it("refuses a target that holds records, and goes on with a stopped copy with --resume, duplicating nothing", async () => {
    const sqlite = freshStore("sqlite");
    await bulkFill(sqlite, 20_000);
    const postgres = freshStore("postgres");
    const child = esStarted(["copy", ...APP, ...toArgs(postgres), "--batch-size", "50"], sqlite);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    // Stopped once some pages are in the target.
    for (;;) {
      const factory = await factoryOf(postgres);
      try {
        const tables = (await factory.describeStore()).tables;
        if ((tables.find((t) => t.name === "worlds_events")?.rows ?? 0) >= 500) break;
      } finally {
        await factory.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill("SIGINT");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toMatch(/^es: The copy stopped \(interrupted\) .*--resume to go on\n$/);

    const refused = es(["copy", ...APP, ...toArgs(postgres)], sqlite);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/already holds [\d,]+ records of application Worlds.*--resume/);

    const resumed = es(["copy", ...APP, ...toArgs(postgres), "--resume", "--json"], sqlite);
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(await contents(postgres)).toEqual(await contents(sqlite));
  });

  it("refuses a missing target, a target in memory, and the store copied itself", async () => {
    const sqlite = freshStore("sqlite");
    await bulkFill(sqlite, 10);
    const missing = es(["copy", ...APP], sqlite);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^es: Copy where\? .*--to NAME=value/);
    const itself = es(["copy", ...APP, ...toArgs(sqlite)], sqlite);
    expect(itself.status).toBe(2);
    expect(itself.stderr).toMatch(/^es: The target is the store copied/);
    const memory = es(["copy", ...APP, "--to", "INFRASTRUCTURE_FACTORY="], sqlite);
    expect(memory.status).toBe(2);
  });
});
