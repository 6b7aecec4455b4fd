/**
 * The multi-process runner: followers in worker processes of their own, on a SQLite file and
 * on PostgreSQL. Prompts cross processes (relayed by the runner, or by LISTEN/NOTIFY), a worker
 * that dies is started again and resumes, and one whose processing fails is reported.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AESCipher } from "@es/cipher";
import type { Notification } from "@es/persistence-core";
import { afterEach, describe, expect, it } from "vitest";
import {
  EventProcessingError,
  type MultiProcessRunner,
  RunnerAlreadyStarted,
  System,
  SystemError,
} from "../src/index.js";
import { system as chain, Recounters } from "./chain-system.js";
import { Failing, system as failing } from "./failing-system.js";
import { Flaky, system as flaky } from "./flaky-system.js";
import { hasEnded, isAlive, multiProcessRunner, systemModule, tsx, until } from "./processes.js";
import { stores } from "./stores.js";
import { Counters, Worlds } from "./worlds.js";
import { system } from "./worlds-system.js";

const runners: MultiProcessRunner[] = [];
afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop().catch(() => {});
});

const run = (...args: Parameters<typeof multiProcessRunner>): MultiProcessRunner => {
  const runner = multiProcessRunner(...args);
  runners.push(runner);
  return runner;
};

const durable = stores.filter(([store]) => store !== "in-memory");

describe.each(durable)("the multi-process runner on %s", (_store, env) => {
  it("runs each follower in a worker process of its own, and ends it when stopped", async () => {
    const runner = run(system, env());
    await runner.start();
    await expect(runner.start()).rejects.toBeInstanceOf(RunnerAlreadyStarted);
    const pid = runner.pidOf(Counters) as number;
    expect(pid).toBeTypeOf("number");
    expect(pid).not.toBe(process.pid);
    expect(isAlive(pid)).toBe(true);
    // A leader that follows nothing has no processing to do: it runs where commands are given.
    expect(runner.pidOf(Worlds)).toBeUndefined();
    await runner.stop();
    expect(isAlive(pid)).toBe(false);
  });

  it("has its workers end when the runner's process is killed", async () => {
    const runnerProcess = spawn(
      process.execPath,
      ["--import", tsx, fileURLToPath(systemModule("runner-process")), JSON.stringify(env())],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const exited = new Promise((resolve) => runnerProcess.once("exit", resolve));
    let workers: number[] = [];
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        runnerProcess.stdout?.on("data", (chunk) => {
          out += chunk;
          if (out.includes("\n")) resolve(out.trim());
        });
        runnerProcess.once("exit", (code) => reject(new Error(`the runner exited with ${code}`)));
      });
      workers = JSON.parse(line) as number[];
      expect(workers).toHaveLength(2);
      for (const pid of workers) expect(isAlive(pid)).toBe(true);
      runnerProcess.kill("SIGKILL");
      await exited;
      // Nothing told them to stop: each finds its runner gone, by itself. The deadline is within
      // the test's, so that a worker that stays is named.
      for (const pid of workers) await until(() => hasEnded(pid), `worker ${pid} ends`, 45_000);
    } finally {
      runnerProcess.kill("SIGKILL");
      for (const pid of workers) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
  });

  it("prompts followers across processes, so they don't wait for their next poll", async () => {
    const runner = run(chain, env(), {
      module: systemModule("chain-system"),
      pollIntervalMs: 600_000,
    });
    await runner.start();
    const worlds = runner.get(Worlds);
    const world = await worlds.createWorld();
    await worlds.makeItSo(world, "dinosaurs");
    await worlds.makeItSo(world, "trucks");
    await runner.idle();
    expect(await runner.get(Counters).getCount("dinosaurs")).toBe(1);
    // Counters' worker prompted Recounters' worker: it has tracked all of Counters' log.
    expect(await runner.get(Recounters).processRecorder.maxTrackingId("Counters")).toBe(4);
  });

  it("shares a system with other runners (as on other machines), each running the followers it is given", async () => {
    const store = env();
    const options = { module: systemModule("chain-system") };
    const first = run(chain, store, { ...options, followers: [Counters] });
    const second = run(chain, store, { ...options, followers: [Recounters] });
    await first.start();
    await second.start();
    expect(first.pidOf(Recounters)).toBeUndefined();
    expect(second.pidOf(Counters)).toBeUndefined();
    const worlds = first.get(Worlds);
    const world = await worlds.createWorld();
    await worlds.makeItSo(world, "dinosaurs");
    await first.idle();
    await second.idle();
    expect(await second.get(Counters).getCount("dinosaurs")).toBe(1);
    expect(await second.get(Recounters).processRecorder.maxTrackingId("Counters")).toBe(2);
    expect(() => run(chain, store, { ...options, followers: [Worlds] })).toThrow(
      "'Worlds' doesn't follow anything in this system",
    );
  });

  it("processes each notification once when two runners, each with a worker of the same follower, share a system", async () => {
    const store = env();
    const [first, second] = [run(system, store), run(system, store)];
    await first.start();
    await second.start();
    const workers = [first.pidOf(Counters), second.pidOf(Counters)] as number[];
    expect(new Set([...workers, process.pid]).size).toBe(3);
    for (const pid of workers) expect(isAlive(pid)).toBe(true);
    // Both runners save at once, each prompting its own worker (and, on PostgreSQL, the other's
    // too), so the two workers pull overlapping pages of one log.
    const things = ["dinosaurs", "trucks", "internet"];
    await Promise.all(
      [first, second].map(async (runner) => {
        const worlds = runner.get(Worlds);
        const world = await worlds.createWorld();
        for (let i = 0; i < 15; i++) await worlds.makeItSo(world, things[i % 3] as string);
      }),
    );
    await first.idle();
    await second.idle();
    // A notification processed twice would have counted its thing twice.
    for (const what of things) expect(await first.get(Counters).getCount(what)).toBe(10);
    const head = await first.get(Worlds).recorder.maxNotificationId();
    expect(head).toBe(32);
    expect(await second.get(Counters).processRecorder.maxTrackingId("Worlds")).toBe(head);
    for (const pid of workers) expect(isAlive(pid)).toBe(true);
  });

  it("processes by polling what was saved without a prompt, as when a prompt is lost", async () => {
    const values = env();
    const runner = run(system, values, { pollIntervalMs: 200 });
    await runner.start();
    // An application outside the runner prompts no one.
    const outsider = new Worlds({ env: values });
    try {
      await outsider.makeItSo(await outsider.createWorld(), "trucks");
    } finally {
      await outsider.close();
    }
    await runner.idle();
    expect(await runner.get(Counters).getCount("trucks")).toBe(1);
  });

  it("starts a worker again when it dies, and it resumes where it stopped", async () => {
    const runner = run(system, env());
    await runner.start();
    const worlds = runner.get(Worlds);
    const world = await worlds.createWorld();
    await worlds.makeItSo(world, "dinosaurs");
    await runner.idle();
    const first = runner.pidOf(Counters) as number;
    process.kill(first, "SIGKILL");
    await worlds.makeItSo(world, "dinosaurs");
    await until(() => runner.restarts === 1, "the worker is restarted");
    await until(() => (runner.pidOf(Counters) ?? first) !== first, "a new worker runs");
    await worlds.makeItSo(world, "dinosaurs");
    await runner.idle();
    expect(await runner.get(Counters).getCount("dinosaurs")).toBe(3);
    expect(runner.errors).toEqual([]);
  });

  it("starts a worker again after a failure of the store that may pass", async () => {
    const marker = join(tmpdir(), `es-flaky-${randomUUID()}`);
    process.env.FLAKY_MARKER = marker;
    try {
      const runner = run(flaky, env(), { module: systemModule("flaky-system") });
      await runner.start();
      const first = runner.pidOf(Flaky);
      const worlds = runner.get(Worlds);
      await worlds.makeItSo(await worlds.createWorld(), "dinosaurs");
      await runner.idle();
      expect(existsSync(marker)).toBe(true);
      expect(runner.restarts).toBe(1);
      expect(runner.pidOf(Flaky)).not.toBe(first);
      expect(runner.errors).toEqual([]);
      expect(await runner.get(Flaky).getCount("dinosaurs")).toBe(1);
    } finally {
      delete process.env.FLAKY_MARKER;
      rmSync(marker, { force: true });
    }
  });

  it("reports a follower whose processing fails, and doesn't start it again", async () => {
    const runner = run(failing, env(), { module: systemModule("failing-system") });
    await runner.start();
    const pid = runner.pidOf(Failing) as number;
    await runner.get(Worlds).createWorld();
    await expect(runner.idle()).rejects.toThrow(
      "Failing failed to process notifications: no, thanks",
    );
    await until(() => !isAlive(pid), "the failed worker ends");
    expect(runner.restarts).toBe(0);
    expect(runner.errors).toHaveLength(1);
    const stopped = await runner.stop().catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(EventProcessingError);
  });
});

describe("the multi-process runner", () => {
  it("gives the workers the environment, secrets included: what every process records is encrypted", async () => {
    const env: Record<string, string> = {
      ...(durable[0]?.[1]() ?? {}),
      CIPHER_TOPIC: "@es/cipher:AESCipher",
      CIPHER_KEY: AESCipher.createKey(),
    };
    const runner = run(system, env);
    await runner.start();
    const worlds = runner.get(Worlds);
    await worlds.makeItSo(await worlds.createWorld(), "dinosaurs");
    await runner.idle();
    expect(await runner.get(Counters).getCount("dinosaurs")).toBe(1);
    await runner.stop();
    // Neither Worlds' event (recorded here) nor Counters' (recorded by the worker) is readable.
    const file = env.SQLITE_DBNAME ?? "";
    const stored = Buffer.concat(
      [file, `${file}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)),
    );
    expect(stored.includes("Counter.Created")).toBe(true);
    expect(stored.includes("dinosaurs")).toBe(false);
    // Without the key, nothing can be read back.
    const keyless = new Worlds({ env: { ...env, CIPHER_KEY: AESCipher.createKey() } });
    const [first] = await keyless.log.select(1, 10);
    expect(first).toBeDefined();
    expect(() => keyless.mapper.toDomainEvent(first as Notification)).toThrow();
    await keyless.close();
  });

  it("refuses a store its processes wouldn't share", async () => {
    const runner = run(system, {});
    await expect(runner.start()).rejects.toThrow(
      "A MultiProcessRunner needs a store its processes share (a SQLite file, or PostgreSQL), but 'Worlds' keeps its events in memory",
    );
    expect(runner.pidOf(Counters)).toBeUndefined();
  });

  it("fails to start when the module doesn't export the system, or exports another", async () => {
    const env = durable[0]?.[1]() ?? {};
    const missing = run(system, env, { exportName: "nothing" });
    await expect(missing.start()).rejects.toThrow(
      /^Application 'Counters' failed to start: .*worlds-system\.ts has no System exported as 'nothing'$/,
    );
    expect(missing.pidOf(Counters)).toBeUndefined();

    const other = run(new System([[Worlds, Counters]]), env, {
      module: systemModule("chain-system"),
    });
    await expect(other.start()).rejects.toThrow("the system exported as 'system' by file://");
    await expect(other.start()).rejects.toBeInstanceOf(RunnerAlreadyStarted);
  });

  it("refuses options that aren't positive durations", () => {
    expect(() => multiProcessRunner(system, {}, { pollIntervalMs: 0 })).toThrow(SystemError);
    expect(() => multiProcessRunner(system, {}, { startTimeoutMs: Number.NaN })).toThrow(
      "Option 'startTimeoutMs' must be a positive number of milliseconds",
    );
  });
});
