/**
 * Each command of `es`, run as a subprocess as a user runs it, on a SQLite file and on a
 * PostgreSQL schema made by the application: what it prints (a table, and `--json` lines) and
 * its exit status.
 */
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  exportCheckpoint,
  generateCheckpointKeys,
  InfrastructureFactory,
  tracking,
} from "@es/persistence-core";
import { describe, expect, it } from "vitest";
import { Worlds } from "./fixtures/worlds.js";
import { es, esStarted, fill, freshStore, jsonLines, STORES } from "./stores.js";
import { rows, tamper } from "./tamper.js";

const APP = ["--app", "Worlds"];

describe.each(STORES)("es on %s", (kind) => {
  it("info shows the store, its tables with their rows, and the last notification id", async () => {
    const env = freshStore(kind);
    await fill(env);
    const run = es(["info", ...APP, "--json"], env);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const [described] = jsonLines(run.stdout);
    expect(described).toMatchObject({
      application: "Worlds",
      store: `@es/${kind}`,
      maxNotificationId: 9,
    });
    expect(described?.tables).toContainEqual({ name: "worlds_events", rows: 9 });

    const table = es(["info", ...APP], env);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/worlds_events\s*│\s*9/);
  });

  it("info shows how far each follower has got, and its lag", async () => {
    const env = freshStore(kind);
    await fill(env);
    const follower = await InfrastructureFactory.construct({
      applicationName: "Counters",
      env: { ...process.env, ...env },
    });
    try {
      await (await follower.trackingRecorder()).insertTracking(tracking("Worlds", 4));
    } finally {
      await follower.close();
    }
    const [described] = jsonLines(es(["info", ...APP, "--json"], env).stdout);
    expect(described?.tracking).toContainEqual({
      table: "counters_tracking",
      applicationName: "Worlds",
      notificationId: 4,
      lag: 5,
    });
    expect(es(["info", ...APP], env).stdout).toMatch(
      /counters_tracking\s*│\s*Worlds\s*│\s*4\s*│\s*5/,
    );
  });

  it("log prints notifications from a position, as a table and as JSON lines of the stored bytes", async () => {
    const env = freshStore(kind);
    await fill(env);
    const json = es(["log", ...APP, "--from", "4", "--limit", "3", "--json"], env);
    expect(json.status).toBe(0);
    const lines = jsonLines(json.stdout);
    expect(lines.map((line) => line.id)).toEqual([4, 5, 6]);
    const app = new Worlds({ env });
    try {
      await app.ready;
      const [stored] = await app.recorder.selectNotifications(4, 1);
      expect(lines[0]).toEqual({
        id: 4,
        originator_id: stored?.originatorId,
        originator_version: 1,
        topic: "CliWorld.Created",
        state: Buffer.from(stored?.state ?? []).toString("base64"),
        hash: null,
      });
    } finally {
      await app.close();
    }
    const table = es(["log", ...APP, "--from", "8"], env);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/│ 8\s+│ [0-9a-f-]{36} │ 2\s+│ CliWorld.SomethingHappened/);
    expect(table.stdout).toMatch(/│ 9\s+│/);
    expect(table.stdout).not.toMatch(/│ 7\s+│/);
  });

  it("log selects notifications by topic", async () => {
    const env = freshStore(kind);
    await fill(env);
    const run = es(["log", ...APP, "--topic", "CliWorld.Created", "--json"], env);
    expect(jsonLines(run.stdout).map((line) => line.id)).toEqual([1, 4, 7]);
  });

  it("log --follow prints notifications as they are recorded, until Ctrl-C ends it cleanly", async () => {
    const env = freshStore(kind);
    await fill(env, 1);
    const child = esStarted(["log", ...APP, "--follow", "--json", "--from", "2"], env);
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    const seen = async (count: number) => {
      // Whole lines only: a chunk may end within one.
      while (out.split("\n").length - 1 < count)
        await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await seen(2);
    await fill(env, 1);
    await seen(5);
    child.kill("SIGINT");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
    expect(jsonLines(out).map((line) => line.id)).toEqual([2, 3, 4, 5, 6]);
  });

  it("history shows an aggregate's events and their attributes, up to a version", async () => {
    const env = freshStore(kind);
    const [id = ""] = await fill(env);
    const run = es(["history", id, ...APP, "--at", "2", "--json"], env);
    expect(run.status).toBe(0);
    const events = jsonLines(run.stdout);
    expect(events).toEqual([
      {
        version: 1,
        topic: "CliWorld.Created",
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        attributes: { name: "world 0", originatorTopic: "CliWorld" },
      },
      {
        version: 2,
        topic: "CliWorld.SomethingHappened",
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        attributes: { what: "change 0" },
      },
    ]);
    expect(es(["history", id, ...APP], env).stdout).toContain('{"what":"change 1"}');
  });

  it("history --decode shows the aggregate's state by the application's own classes", async () => {
    const env = freshStore(kind);
    const [id = ""] = await fill(env);
    const run = es(["history", id, ...APP, "--decode", "./test/fixtures/worlds.ts", "--json"], env);
    expect(run.stderr).toBe("");
    expect(jsonLines(run.stdout).at(-1)).toMatchObject({
      aggregate: { version: 3, name: "world 0", history: ["change 0", "change 1"] },
    });
  });

  it("projection rebuild makes a view from the first event, and status shows its position and lag", async () => {
    const env = freshStore(kind);
    await fill(env);
    const module = ["--decode", "./test/fixtures/projections.ts"];
    const rebuilt = es(["projection", "rebuild", "counting", ...APP, ...module, "--json"], env);
    expect(rebuilt.stderr).toBe("");
    expect(jsonLines(rebuilt.stdout)[0]).toMatchObject({
      projection: "counting",
      view: "counts",
      position: 9,
    });
    const counted = await rows(env, "SELECT count FROM counts ORDER BY originator_id");
    expect(counted.map((row) => Number(row.count))).toEqual([3, 3, 3]);

    await fill(env, 1);
    const status = es(["projection", "status", ...APP, ...module, "--json"], env);
    expect(jsonLines(status.stdout)).toEqual([
      { projection: "counting", view: "counts", position: 9, head: 12, lag: 3 },
    ]);
    // Without the module, by the view's tracking table.
    const byTable = es(["projection", "status", "counts", ...APP, "--json"], env);
    expect(jsonLines(byTable.stdout)).toEqual([{ view: "counts", position: 9, head: 12, lag: 3 }]);
    const missing = es(["projection", "rebuild", "nope", ...APP, ...module], env);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("no projection named nope (it has: counting)");
  });

  it("verify exits 0 on an intact store and 1 on a tampered one, naming the first violation", async () => {
    const env = freshStore(kind, { IS_EVENT_HASHING_ENABLED: "y" });
    const [, id = ""] = await fill(env);
    const clean = es(["verify", ...APP], env);
    expect(clean.stderr).toBe("");
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(/notifications checked:\s+9/);
    expect(clean.stdout).toMatch(/violations:\s+0/);

    await tamper(
      env,
      `UPDATE worlds_events SET state = ${kind === "sqlite" ? "X'7b7d'" : "'\\x7b7d'::bytea"} WHERE originator_id = '${id}' AND originator_version = 2`,
    );
    const tampered = es(["verify", ...APP, "--json"], env);
    expect(tampered.status).toBe(1);
    const [report] = jsonLines(tampered.stdout);
    expect(report).toMatchObject({ clean: false, violationCount: 1 });
    expect(((report?.violations ?? []) as Record<string, unknown>[])[0]).toMatchObject({
      kind: "modified",
      originatorId: id,
      originatorVersion: 2,
      notificationId: 5,
    });
    const table = es(["verify", ...APP], env);
    expect(table.status).toBe(1);
    expect(table.stdout).toContain(`modified │ stored event ${id} version 2, notification 5`);
  });

  it("verify compares the log with a checkpoint kept elsewhere, and the checkpoints' signatures", async () => {
    const { signingKey, verifyingKey } = generateCheckpointKeys();
    const env = freshStore(kind, {
      IS_EVENT_HASHING_ENABLED: "y",
      CHECKPOINT_INTERVAL: "3",
    });
    await fill(env);
    const app = new Worlds({ env: { ...env, CHECKPOINT_SIGNING_KEY: signingKey } });
    let kept: string;
    try {
      const added = await (await app.checkpointer()).catchUp({ final: true });
      kept = join(mkdtempSync(join(tmpdir(), "es-cli-kept-")), "worlds-checkpoint.json");
      writeFileSync(kept, JSON.stringify(exportCheckpoint(added.at(-1) as never)));
    } finally {
      await app.close();
    }
    const verified = es(["verify", ...APP, "--checkpoint", kept, "--json"], {
      ...env,
      CHECKPOINT_VERIFYING_KEY: verifyingKey,
    });
    expect(verified.stderr).toBe("");
    expect(jsonLines(verified.stdout)[0]).toMatchObject({
      clean: true,
      checked: 9,
      checkpoints: 3,
      signaturesChecked: true,
    });

    // The last aggregate deleted, with its checkpoints: only the kept checkpoint shows it.
    await tamper(env, "DELETE FROM worlds_events WHERE notification_id > 6");
    await tamper(env, "DELETE FROM worlds_checkpoints WHERE originator_version > 2");
    const cut = es(["verify", ...APP, "--checkpoint", kept, "--json"], {
      ...env,
      CHECKPOINT_VERIFYING_KEY: verifyingKey,
    });
    expect(cut.status).toBe(1);
    const [report] = jsonLines(cut.stdout);
    expect(((report?.violations ?? []) as { kind: string }[]).map((v) => v.kind)).toContain(
      "checkpoint-mismatch",
    );
  });
});
