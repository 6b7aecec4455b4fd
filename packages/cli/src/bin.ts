#!/usr/bin/env node
/** The `es` executable: runs the command line on this process's arguments and streams. */
import { main } from "./program.js";

const stopping = new AbortController();
// Ctrl-C ends a command that runs until stopped (`log --follow`) cleanly; a second one kills.
process.once("SIGINT", () => stopping.abort());
process.once("SIGTERM", () => stopping.abort());

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: stopping.signal,
});
