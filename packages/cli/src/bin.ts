#!/usr/bin/env node
/** The `es` executable: runs the command line on this process's arguments and streams. */
import { main } from "./program.js";

/** How long a command has, after Ctrl-C, to end by itself before the process ends it. */
const GRACE_MS = 3000;

const stopping = new AbortController();
// Ctrl-C asks the command to stop: `log --follow` ends, `copy` and `verify` stop between pages.
// One that doesn't stop in time is ended, and a second Ctrl-C ends it at once.
process.once("SIGINT", () => {
  stopping.abort();
  setTimeout(() => process.exit(130), GRACE_MS).unref();
});
process.once("SIGTERM", () => stopping.abort());

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: stopping.signal,
});
