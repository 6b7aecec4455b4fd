/**
 * The worker supervisor alone, against real worker processes (supervised-worker.ts) that
 * become ready, die before or after, never become ready, report failures or ignore being
 * asked to stop. Assertions are about order and states, never about how long anything took.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { EventProcessingError, SystemError } from "../src/errors.js";
import {
  type WorkerState,
  WorkerSupervisor,
  type WorkerSupervisorOptions,
} from "../src/worker-supervisor.js";
import { isAlive, tsx } from "./processes.js";

const SCRIPT = fileURLToPath(new URL("./supervised-worker.ts", import.meta.url));

interface Supervised {
  readonly supervisor: WorkerSupervisor;
  /** The states it went through, in order. */
  readonly states: WorkerState[];
  /** The delay of each restart, in order. */
  readonly delays: number[];
  /** The failures it reported. */
  readonly failures: EventProcessingError[];
  /** The events the worker processes logged (`start 1234`, `stop 1234`). */
  events(): string[];
}

const made: { supervisor: WorkerSupervisor; pids: Set<number>; dir: string }[] = [];

afterEach(async () => {
  for (const { supervisor, pids, dir } of made.splice(0)) {
    await supervisor.stop();
    expect(supervisor.state).toBe("stopped");
    // Every process it started is gone.
    for (const pid of pids) expect(isAlive(pid), `process ${pid}`).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A supervisor of workers that behave as `runs` says, one behaviour per process in turn. */
function supervise(
  runs: readonly string[],
  options: Partial<WorkerSupervisorOptions> = {},
): Supervised {
  const dir = mkdtempSync(join(tmpdir(), "es-supervisor-"));
  const log = join(dir, "log");
  const states: WorkerState[] = [];
  const delays: number[] = [];
  const failures: EventProcessingError[] = [];
  const pids = new Set<number>();
  const supervisor: WorkerSupervisor = new WorkerSupervisor({
    script: SCRIPT,
    start: {
      type: "start",
      module: "file:///not-loaded-by-this-worker.js",
      exportName: "system",
      name: "Tested",
      env: { LOG: log, RUNS: runs.join(",") },
      definition: { nodes: [], edges: [] },
      prompts: "relay",
      pollIntervalMs: 1_000,
    },
    execArgv: ["--import", tsx],
    startTimeoutMs: 60_000,
    ...options,
    onStateChange: (state, previous) => {
      states.push(state);
      if (state === "starting" && supervisor.pid !== undefined) pids.add(supervisor.pid);
      options.onStateChange?.(state, previous);
    },
    onRestart: (delayMs) => {
      delays.push(delayMs);
      options.onRestart?.(delayMs);
    },
    onFailed: (error) => failures.push(error),
  });
  made.push({ supervisor, pids, dir });
  const events = () => {
    try {
      return readFileSync(log, "utf8").split("\n").filter(Boolean);
    } catch {
      return [];
    }
  };
  return { supervisor, states, delays, failures, events };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `check` holds, polling; generous, for a loaded machine. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 45_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

/** Resolves when the supervisor runs a ready worker other than `previous`. */
async function readyAgain(supervisor: WorkerSupervisor, previous: number): Promise<number> {
  await until(
    () => supervisor.state === "ready" && supervisor.pid !== previous,
    "a new worker is ready",
  );
  return supervisor.pid as number;
}

describe("a worker supervisor", () => {
  it("resolves start() when the worker is ready, and stops it by asking", async () => {
    const { supervisor, states, events } = supervise(["ready"]);
    expect(supervisor.state).toBe("stopped");
    await supervisor.start();
    expect(supervisor.state).toBe("ready");
    const pid = supervisor.pid as number;
    expect(isAlive(pid)).toBe(true);
    expect(events()).toEqual([`start ${pid}`]);
    await expect(supervisor.start()).rejects.toThrow(
      "The worker of 'Tested' can't go from ready to starting",
    );

    await supervisor.stop();
    expect(supervisor.state).toBe("stopped");
    expect(supervisor.pid).toBeUndefined();
    expect(isAlive(pid)).toBe(false);
    // It ended because it was asked to.
    expect(events()).toEqual([`start ${pid}`, `stop ${pid}`]);
    await sleep(0);
    expect(states).toEqual(["starting", "ready", "stopping", "stopped"]);
  });

  it("rejects start() when the worker isn't ready in time, and kills it", async () => {
    const { supervisor, states, delays } = supervise(["never-ready"], { startTimeoutMs: 1_500 });
    const started = supervisor.start();
    const pid = supervisor.pid as number;
    await expect(started).rejects.toThrow(
      "Application 'Tested' failed to start: its worker process wasn't ready after 1500 ms",
    );
    await expect(started).rejects.toBeInstanceOf(SystemError);
    expect(supervisor.state).toBe("failed");
    await until(() => !isAlive(pid), "the worker is killed");
    // Not started again: it would not be ready in time again.
    expect(supervisor.state).toBe("failed");
    expect(delays).toEqual([]);
    expect(states).toEqual(["starting", "failed"]);
  });

  it("rejects start() when the worker ends before it is ready, without starting it again", async () => {
    const { supervisor, states, delays } = supervise(["crash", "ready"]);
    await expect(supervisor.start()).rejects.toThrow(
      "Application 'Tested' failed to start: its worker process ended (exit code 3)",
    );
    expect(supervisor.state).toBe("failed");
    expect(supervisor.pid).toBeUndefined();
    expect(delays).toEqual([]);
    await sleep(0);
    expect(states).toEqual(["starting", "failed"]);
  });

  it("rejects start() with the failure a worker reports while starting", async () => {
    const { supervisor, failures } = supervise(["fail-to-start"]);
    await expect(supervisor.start()).rejects.toThrow(
      "Application 'Tested' failed to start: no store here",
    );
    expect(supervisor.state).toBe("failed");
    // Said once, by start(): not also reported.
    expect(failures).toEqual([]);
  });

  it("starts a worker that died after it was ready again at once, and one that dies before it is ready after longer and longer delays", async () => {
    const { supervisor, states, delays, failures, events } = supervise(
      ["ready", "crash", "crash", "crash", "ready"],
      { firstRestartDelayMs: 50, lastRestartDelayMs: 150 },
    );
    await supervisor.start();
    const first = supervisor.pid as number;
    supervisor.send({ type: "prompt", leader: "crash" });
    // Three deaths before ready, each waited for longer (up to the longest delay), then ready.
    const fifth = await readyAgain(supervisor, first);
    expect(events().filter((event) => event.startsWith("start"))).toHaveLength(5);
    expect(delays).toEqual([50, 100, 150, 150]);
    // Dead after it was ready: started again after the shortest delay, however long the last.
    supervisor.send({ type: "prompt", leader: "crash" });
    await readyAgain(supervisor, fifth);
    expect(delays).toEqual([50, 100, 150, 150, 50]);
    expect(failures).toEqual([]);
    await sleep(0);
    expect(states).toEqual([
      "starting",
      "ready",
      ...["restarting", "starting"],
      ...["restarting", "starting"],
      ...["restarting", "starting"],
      ...["restarting", "starting", "ready"],
      ...["restarting", "starting", "ready"],
    ]);
  });

  it("stops starting a worker again once it reports a failure, and reports it", async () => {
    const { supervisor, delays, failures } = supervise(["ready"]);
    await supervisor.start();
    const pid = supervisor.pid as number;
    supervisor.send({ type: "prompt", leader: "fail" });
    await until(() => failures.length === 1 && !isAlive(pid), "the failure is reported");
    expect(failures[0]).toBeInstanceOf(EventProcessingError);
    expect(failures[0]?.message).toBe("Tested: no, thanks");
    // The worker ended after its report: it stays failed.
    expect(supervisor.state).toBe("failed");
    expect(supervisor.pid).toBeUndefined();
    expect(delays).toEqual([]);
  });

  it("reports a failure to start again, and doesn't try once more", async () => {
    const { supervisor, delays, failures } = supervise(["ready", "fail-to-start", "ready"]);
    await supervisor.start();
    supervisor.send({ type: "prompt", leader: "crash" });
    await until(() => failures.length === 1, "the failure is reported");
    expect(failures[0]).toBeInstanceOf(EventProcessingError);
    expect(failures[0]?.message).toBe("Application 'Tested' failed to start: no store here");
    expect(failures[0]?.cause).toBeInstanceOf(SystemError);
    expect(supervisor.state).toBe("failed");
    expect(delays).toEqual([50]);
  });

  it("asks a worker to stop, then kills it when it doesn't", async () => {
    const { supervisor, events } = supervise(["ignore-stop"], { stopTimeoutMs: 5_000 });
    await supervisor.start();
    const pid = supervisor.pid as number;
    await supervisor.stop();
    // It was asked, ignored it (it never ends by itself), and is gone: it was killed.
    expect(events()).toEqual([`start ${pid}`, `stop ${pid}`]);
    expect(isAlive(pid)).toBe(false);
    expect(supervisor.state).toBe("stopped");
  });

  it("cancels a pending restart when stopped", async () => {
    let stopped: Promise<void> | undefined;
    const { supervisor, states, events } = supervise(["ready"], {
      firstRestartDelayMs: 200,
      // Stopped as soon as it is restarting: the restart is still to come.
      onStateChange: (state) => {
        if (state === "restarting") stopped = supervisor.stop();
      },
    });
    await supervisor.start();
    supervisor.send({ type: "prompt", leader: "crash" });
    await until(() => stopped !== undefined, "it is restarting");
    await stopped;
    expect(supervisor.state).toBe("stopped");
    // Well past the restart's delay: nothing started.
    await sleep(1_000);
    expect(supervisor.state).toBe("stopped");
    expect(states).toEqual(["starting", "ready", "restarting", "stopping", "stopped"]);
    expect(events().filter((event) => event.startsWith("start"))).toHaveLength(1);
  });

  it("rejects start() when stopped while starting, and ends the worker", async () => {
    const { supervisor, states } = supervise(["never-ready"]);
    const started = supervisor.start().catch((error: unknown) => error);
    const pid = supervisor.pid as number;
    await supervisor.stop();
    expect(await started).toEqual(
      new SystemError("Application 'Tested' failed to start: it was stopped"),
    );
    expect(isAlive(pid)).toBe(false);
    expect(states).toEqual(["starting", "stopping", "stopped"]);
  });
});
