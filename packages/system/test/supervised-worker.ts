/**
 * A worker process for the supervisor's tests: it speaks the worker protocol and behaves as the
 * start message's `env` says. `RUNS` lists a behaviour for each process started in turn (the
 * last one for every process after), and each process writes what happens to it to the file
 * `LOG` names, a line an event (`start 1234`).
 *
 * - `ready`: becomes ready; a prompt from `crash` makes it die, one from `fail` makes it report
 *   a failure and end.
 * - `crash`: dies before it is ready.
 * - `never-ready`: never says it is ready.
 * - `fail-to-start`: reports that it failed to start, and ends.
 * - `ignore-stop`: becomes ready, and ignores being asked to stop.
 *
 * Every one but `ignore-stop` ends when asked to stop, and each ends when the supervisor's
 * process goes away.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { type FromWorker, ToWorker } from "../src/worker-protocol.js";

/** Sends `message`; then, given an exit code, ends as a worker does: it lets go of its runner. */
const send = (message: FromWorker, exitCode?: number): void => {
  process.send?.(message, () => {
    if (exitCode === undefined) return;
    process.exitCode = exitCode;
    process.disconnect();
  });
};

let log = "";
let behaviour = "";
const record = (event: string): void => appendFileSync(log, `${event} ${process.pid}\n`);

/** How many processes started before this one. */
const runsBefore = (): number =>
  existsSync(log)
    ? readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line.startsWith("start ")).length
    : 0;

process.on("message", (raw: unknown) => {
  const message = ToWorker.parse(raw);
  if (message.type === "start") {
    log = message.env.LOG ?? "";
    const runs = (message.env.RUNS ?? "").split(",");
    behaviour = runs[Math.min(runsBefore(), runs.length - 1)] ?? "";
    record("start");
    if (behaviour === "ready" || behaviour === "ignore-stop") send({ type: "ready" });
    else if (behaviour === "crash") process.exit(3);
    else if (behaviour === "fail-to-start") {
      send({ type: "failed", message: "no store here", starting: true }, 1);
    }
  } else if (message.type === "prompt") {
    if (message.leader === "crash") process.exit(3);
    if (message.leader === "fail")
      send({ type: "failed", message: "no, thanks", starting: false }, 1);
  } else {
    record("stop");
    if (behaviour !== "ignore-stop") process.exit(0);
  }
});

process.on("disconnect", () => process.exit());
