/**
 * Real processes on one database file: state that survives the process, several
 * writers and a reader at once, a writer killed mid-save, and corrupt stored state.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IntegrityError, StoredEventDecodingError } from "@es/persistence-core";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { Counter, Counters, sqliteEnv } from "./processes/model.js";

const dir = mkdtempSync(join(tmpdir(), "es-sqlite-processes-"));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const script = (name: string) => join(import.meta.dirname, "processes", `${name}.ts`);

/** Runs a child process to its end; resolves to its standard output. */
function run(name: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = start(name, args);
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      err += chunk;
    });
    child.on("exit", (code) => {
      children.delete(child);
      if (code === 0) resolve(out.trim());
      else reject(new Error(`${name} exited with ${code}: ${err}`));
    });
  });
}

function start(name: string, args: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", script(name), ...args], {
    cwd: join(import.meta.dirname, ".."),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  return child;
}

describe("SQLite across processes", () => {
  it("keeps state after the process ends", async () => {
    const db = join(dir, "worlds.db");
    const id = await run("worlds", ["write", db]);
    expect(await run("worlds", ["read", db, id])).toBe('["dinosaurs","trucks","internet"]');
  });

  it("loses nothing with 4 writer processes and a reader: conflicts are IntegrityErrors, ids never skip", async () => {
    const db = join(dir, "writers.db");
    const stopFile = join(dir, "writers.stop");
    const app = new Counters({ env: sqliteEnv(db) });
    const shared = [Counter.create("s1"), Counter.create("s2"), Counter.create("s3")];
    await app.save(...shared);
    const sharedIds = shared.map((c) => c.id).join(",");

    const reader = run("reader", [db, stopFile]);
    const summaries = (
      await Promise.all([1, 2, 3, 4].map(() => run("saver", [db, "500", sharedIds])))
    ).map((out) => JSON.parse(out) as { events: number; conflicts: number; increments: number });
    writeFileSync(stopFile, "");
    const read = JSON.parse(await reader) as { count: number; problem: string | null };

    const written = summaries.reduce((sum, s) => sum + s.events, shared.length);
    const maxId = await app.recorder.maxNotificationId();
    expect(maxId).toBe(written);
    const all = await app.events.get(shared[0]?.id ?? "");
    expect(all.length).toBeGreaterThan(1);
    // Every increment of a shared counter is there, once.
    const increments = summaries.reduce((sum, s) => sum + s.increments, 0);
    let sharedTotal = 0;
    for (const counter of shared)
      sharedTotal += (await app.repository.get<Counter>(counter.id)).count;
    expect(sharedTotal).toBe(increments);
    // The reader saw every id, in order, none skipped.
    expect(read.problem).toBeNull();
    expect(read.count).toBe(written);
    // Writers catch IntegrityError (and only that: anything else fails the writer, and so this
    // test) when another process saved the same counter first; they retry from a fresh read.
    // Whether two writers collided depends on timing, so a collision is made here for certain:
    // this process's copy of a shared counter is older than what the writers saved after it.
    const stale = shared[0] as Counter;
    stale.increment(1);
    await expect(app.save(stale)).rejects.toBeInstanceOf(IntegrityError);
    expect(await app.recorder.maxNotificationId()).toBe(written);
    await app.close();
  }, 120_000);

  it("leaves a killed writer's save wholly there or wholly absent", async () => {
    const db = join(dir, "killed.db");
    const child = start("crasher", [db]);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once("data", () => resolve());
      child.once("exit", (code) => reject(new Error(`crasher exited early with ${code}`)));
    });
    // Let it get into the middle of more saves, then kill it without warning.
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    children.delete(child);

    const raw = new Database(db);
    expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
    const perAggregate = raw
      .prepare(
        "select originator_id, count(*) n, min(originator_version) lo, max(originator_version) hi from counters_events group by originator_id",
      )
      .all() as { n: number; lo: number; hi: number }[];
    expect(perAggregate.length).toBeGreaterThan(0);
    for (const row of perAggregate) expect([row.n, row.lo, row.hi]).toEqual([200, 1, 200]);
    const ids = raw.prepare("select notification_id id from counters_events order by 1").all() as {
      id: number;
    }[];
    expect(ids.every((row, i) => row.id === i + 1)).toBe(true);
    raw.close();
  });

  it("gives a subscriber here every event that writer processes save, once, in order", async () => {
    const db = join(dir, "subscribed.db");
    const app = new Counters({ env: sqliteEnv(db) });
    await app.ready;
    // Too long a poll to matter: the other processes' commits change the file's data_version.
    const subscription = app.subscribe({ pollIntervalMs: 10 * 60_000 });
    const seen: number[] = [];
    let expected = Number.POSITIVE_INFINITY;
    const reading = (async () => {
      for await (const { tracking } of subscription) {
        seen.push(tracking.notificationId);
        if (seen.length >= expected) break;
      }
    })();
    const summaries = (await Promise.all([1, 2].map(() => run("saver", [db, "100", ""])))).map(
      (out) => JSON.parse(out) as { events: number },
    );
    expected = summaries.reduce((sum, s) => sum + s.events, 0);
    const deadline = Date.now() + 20_000;
    while (seen.length < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await subscription.return();
    await reading;
    expect(seen).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    await app.close();
  }, 120_000);

  it("names corrupt stored events and still reads the others", async () => {
    const db = join(dir, "corrupt.db");
    const app = new Counters({ env: sqliteEnv(db) });
    const good = Counter.create("good");
    const bad = Counter.create("bad");
    bad.increment(5);
    await app.save(good, bad);
    const raw = new Database(db);
    raw
      .prepare(
        "update counters_events set state = ? where originator_id = ? and originator_version = 2",
      )
      .run(Buffer.from([0xff, 0x00, 0x13]), bad.id);
    raw.close();

    await expect(app.repository.get(bad.id)).rejects.toBeInstanceOf(StoredEventDecodingError);
    await expect(app.repository.get(bad.id)).rejects.toThrow(
      new RegExp(`^Can't reconstruct stored event ${bad.id} version 2 `),
    );
    expect((await app.repository.get<Counter>(good.id)).label).toBe("good");
    const notifications = await app.log.select(1, 3);
    expect(notifications).toHaveLength(3);
    expect(() =>
      app.mapper.toDomainEvent(notifications[2] as (typeof notifications)[number]),
    ).toThrow(StoredEventDecodingError);
    expect(
      app.mapper.toDomainEvent(notifications[0] as (typeof notifications)[number]).originatorId,
    ).toBe(good.id);
    await app.close();
  });
});
