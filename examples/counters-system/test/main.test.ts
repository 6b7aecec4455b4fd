import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";

/** Runs the example's program to its end with `env` added to this process's environment. */
function runMain(
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: new URL("..", import.meta.url),
      env: { ...process.env, ...env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

const COUNTS = [
  "After round 1: dinosaurs 3, trucks 0, internet 0",
  "After round 2: dinosaurs 4, trucks 2, internet 0",
  "After round 3: dinosaurs 5, trucks 3, internet 1",
  "After round 4: dinosaurs 5, trucks 4, internet 3",
];

describe("counters-system example", () => {
  it.each([
    ["a SQLite file of its own", {}],
    [
      "PostgreSQL, named by the environment",
      {
        INFRASTRUCTURE_FACTORY: "@es/postgres",
        POSTGRES_SCHEMA: `counters_${randomUUID().slice(0, 8)}`,
      },
    ],
  ])("counts every event once on %s, its worker killed half-way", async (_store, env) => {
    const { code, out, err } = await runMain(env);
    expect(err).toBe("");
    expect(code).toBe(0);
    const lines = out.trim().split("\n");
    for (const line of COUNTS) expect(lines).toContain(line);
    expect(out).toMatch(/Killed Counters' process \d+; saving on/);
    expect(out).toMatch(/started again 1 time\(s\)/);
  });
});
