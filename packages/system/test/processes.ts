/**
 * Running a system's followers in worker processes from the tests: the workers load the
 * TypeScript sources with tsx, as the tests do, and poll often so a test never waits long.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { MultiProcessRunner, type MultiProcessRunnerOptions, type System } from "../src/index.js";

/** The tsx loader, for worker processes that run these TypeScript sources. */
export const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** The modules in this folder that export a system. */
export const systemModule = (name: string): URL => new URL(`./${name}.ts`, import.meta.url);

export function multiProcessRunner(
  system: System,
  env: Record<string, string>,
  options: Partial<MultiProcessRunnerOptions> = {},
): MultiProcessRunner {
  return new MultiProcessRunner(system, {
    env,
    module: systemModule("worlds-system"),
    execArgv: ["--import", tsx],
    pollIntervalMs: 250,
    ...options,
  });
}

/** Whether a process with this id is running (signal 0 only checks). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Whether a process with this id has ended: not running, or (on Linux) a zombie, ended but not
 * yet reaped, as an orphan is until whatever adopted it reaps it.
 */
export const hasEnded = (pid: number): boolean => {
  if (!isAlive(pid)) return true;
  try {
    // The state is the field after the command's parenthesised name.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return !isAlive(pid);
  }
};

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `check` holds, polling; rejects, naming `what`, after `ms`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 30_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(5);
  }
}

/**
 * Kills a worker with SIGKILL `kills` times, each time at a random moment while it processes:
 * once the worker `pid()` names (a new one each time) has made progress, as `progress()`
 * measures it, within 40 ms after.
 */
export async function killWhileProcessing(
  kills: number,
  pid: () => number | undefined,
  progress: () => Promise<number>,
): Promise<void> {
  let previous: number | undefined;
  for (let kill = 0; kill < kills; kill++) {
    await until(() => (pid() ?? previous) !== previous, "a new worker runs");
    const running = pid() as number;
    const before = await progress();
    await until(async () => (await progress()) > before, "the new worker processes");
    await sleep(Math.random() * 40);
    process.kill(running, "SIGKILL");
    previous = running;
  }
}
