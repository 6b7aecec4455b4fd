import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { World } from "../src/world.js";

describe("world-history example", () => {
  it("records a history and rebuilds it", () => {
    const world = World.create("Earth");
    world.makeItSo("dinosaurs");
    expect(world.history).toEqual(["dinosaurs"]);
    expect(world.collectEvents().map((e) => e.constructor.name)).toEqual([
      "Created",
      "SomethingHappened",
    ]);
  });

  it("runs as the README demo", () => {
    const run = spawnSync("node", ["--import", "tsx", "src/main.ts"], {
      cwd: new URL("..", import.meta.url),
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Equal to the original: true");
  });
});
