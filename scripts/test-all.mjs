#!/usr/bin/env node
// Runs the whole vitest suite once (every workspace project) and closes with a plain
// "tests: N passed, N failed" line after vitest's own summary, so that any reader can count.
// Services that tests need are provisioned by the test projects themselves (global setups),
// which also stop them when the run ends, whether it passes or fails.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const countsFile = join(root, ".test-results", "counts.json");
rmSync(countsFile, { force: true });
mkdirSync(join(root, ".test-results"), { recursive: true });

const run = spawnSync(
  join(root, "node_modules", ".bin", "vitest"),
  ["run", "--reporter=default", `--reporter=${join(root, "scripts", "count-reporter.mjs")}`],
  { cwd: root, stdio: "inherit", env: { ...process.env, ES_TEST_COUNTS: countsFile } },
);

let counts = { passed: 0, failed: 1, skipped: 0, errors: 0 };
try {
  counts = JSON.parse(readFileSync(countsFile, "utf8"));
} catch {
  // No counts: vitest did not reach the end of the run; reported as a failure below.
}
const failed = counts.failed + counts.errors + (run.status === 0 ? 0 : counts.failed ? 0 : 1);
console.log(`\ntests: ${counts.passed} passed, ${failed} failed, ${counts.skipped} skipped`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
