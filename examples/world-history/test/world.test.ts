import { spawnSync } from "node:child_process";
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
});
