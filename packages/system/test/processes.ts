/**
 * Running a system's followers in worker processes from the tests: the workers load the
 * TypeScript sources with tsx, as the tests do, and poll often so a test never waits long.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { MultiProcessRunner, type MultiProcessRunnerOptions, type System } from "../src/index.js";
import type { TransactionWatch } from "./transactions.js";

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
 * Stops the process `pid` (SIGSTOP) and waits until it has stopped, the signal being
 * delivered asynchronously: false if it has ended instead. It waits synchronously, so that
 * nothing else in this process (a writer of the test's) runs meanwhile.
 */
export function stopProcess(pid: number): boolean {
  try {
    process.kill(pid, "SIGSTOP");
  } catch {
    return false;
  }
  for (;;) {
    let state: string;
    try {
      // The state is the field after the command's parenthesised name.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      state = stat.charAt(stat.lastIndexOf(")") + 2);
    } catch {
      return false;
    }
    if (state === "T") return true;
    if (state === "Z" || state === "X") return false;
  }
}

/** A kill of `killWhileProcessing`: how its moment was chosen, and what it found. */
export interface Kill {
  /** At a random moment while processing, or once caught inside a write transaction. */
  readonly moment: "random" | "caught";
  /** Whether the worker had a write transaction open when it was killed. */
  readonly inTransaction: boolean;
}

/**
 * Kills a worker with SIGKILL `kills` times, each time while it processes: once the worker
 * `pid()` names (a new one each time) has made progress, as `progress()` measures it. Every
 * other kill comes at a random moment within 40 ms after; the others once `watch` has caught
 * the worker inside a write transaction (at a random moment if it can't in time). Before each
 * kill the worker is stopped (SIGSTOP) and `watch` looks whether it has a transaction open:
 * it can't end it while stopped, so what the watch sees is what the kill lands on.
 */
export async function killWhileProcessing(
  kills: number,
  pid: () => number | undefined,
  progress: () => Promise<number>,
  watch: TransactionWatch,
): Promise<Kill[]> {
  const done: Kill[] = [];
  let previous: number | undefined;
  for (let kill = 0; kill < kills; kill++) {
    await until(() => (pid() ?? previous) !== previous, "a new worker runs");
    const running = pid() as number;
    const before = await progress();
    await until(async () => (await progress()) > before, "the new worker processes");
    const letGo = kill % 2 === 1 ? await watch.holdInside(running) : undefined;
    if (letGo) {
      process.kill(running, "SIGKILL");
      await letGo();
      done.push({ moment: "caught", inTransaction: true });
    } else {
      await sleep(Math.random() * 40);
      stopProcess(running);
      const inTransaction = await watch.openWhileStopped(running);
      process.kill(running, "SIGKILL");
      done.push({ moment: "random", inTransaction });
    }
    previous = running;
  }
  return done;
}

/** "7 of 20 kills landed with a transaction open (…)": what the kills found, for a summary. */
export function describeKills(kills: readonly Kill[]): string {
  const open = (of: readonly Kill[]) => of.filter((kill) => kill.inTransaction).length;
  const caught = kills.filter((kill) => kill.moment === "caught");
  const random = kills.filter((kill) => kill.moment === "random");
  return `${open(kills)} of ${kills.length} kills landed with a transaction open (${caught.length} caught inside one, ${open(random)} of ${random.length} at random moments)`;
}
