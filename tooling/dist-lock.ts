/**
 * The packages' `dist` folders are written by two tests: the bundling example builds them to
 * run its builds, and the packing test's `prepack` rebuilds them. Test files run in parallel,
 * so each holds this lock (a directory, made atomically) while it writes or reads `dist`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const lock = join(import.meta.dirname, "..", "node_modules", ".es-dist-lock");

/** Waits for the lock and takes it; call the returned function to release it. */
export async function lockDist(timeoutMs = 600_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (!holderIsAlive()) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}`);
    else await sleep(200);
  }
}

function holderIsAlive(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, "pid"), "utf8"));
  } catch {
    return true; // Just made, its pid not written yet.
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
