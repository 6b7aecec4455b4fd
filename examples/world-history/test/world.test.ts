import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { World } from "../src/world.js";
import { Worlds } from "../src/worlds.js";

describe("world-history example", () => {
  it("records a history and rebuilds it", () => {
    const world = World.create({ name: "Earth" });
    world.makeItSo({ what: "dinosaurs" });
    expect(world.history).toEqual(["dinosaurs"]);
    expect(world.collectEvents().map((e) => e.constructor.name)).toEqual([
      "Created",
      "SomethingHappened",
    ]);
  });

  it("runs the Worlds application", async () => {
    const app = new Worlds();
    const id = await app.createWorld("Mars");
    await app.makeItSo(id, "rovers");
    expect(await app.getHistory(id)).toEqual(["rovers"]);
    expect((await app.log.section("1,10")).id).toBe("1,2");
    await app.close();
  });

  it("runs as the README demo", () => {
    const run = spawnSync("node", ["--import", "tsx", "src/main.ts"], {
      cwd: new URL("..", import.meta.url),
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Worlds on the in-memory store (the default)");
    expect(run.stdout).toContain("History of");
    expect(run.stdout).toContain("dinosaurs, trucks, internet");
    expect(run.stdout).toContain("Notification log section 1,4 (next: null)");
  });

  it("runs on a SQLite file, whose store the es command line then shows", () => {
    const database = join(mkdtempSync(join(tmpdir(), "es-demo-")), "worlds.db");
    const env = { ...process.env, INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: database };
    const cwd = new URL("..", import.meta.url);
    const demo = spawnSync("node", ["--import", "tsx", "src/main.ts"], {
      cwd,
      encoding: "utf8",
      env,
    });
    expect(demo.stderr).toBe("");
    expect(demo.stdout).toContain("Worlds on @es/sqlite");
    const es = (args: string[]) =>
      spawnSync("node", ["--import", "tsx", "../../packages/cli/src/bin.ts", ...args], {
        cwd,
        encoding: "utf8",
        env,
      });
    const info = es(["info", "--app", "Worlds"]);
    expect(info.stderr).toBe("");
    expect(info.stdout).toMatch(/worlds_events\s*│\s*4/);
    const log = es(["log", "--app", "Worlds", "--json"]);
    expect(
      log.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).topic),
    ).toEqual([
      "World.Created",
      "World.SomethingHappened",
      "World.SomethingHappened",
      "World.SomethingHappened",
    ]);
  });
});
