/**
 * Progress of long work (a verify of a million events, a copy) on stderr: a bar with the rate
 * and the time left (cli-progress) on a terminal; nothing otherwise, so that logs and pipes
 * get only the result.
 */
import cliProgress from "cli-progress";
import { type CliIo, isInteractive } from "./io.js";

/** A bar's life: started with a total, updated, stopped. */
export interface Progress {
  /** Sets how far the work has got, and what it has found so far. */
  update(done: number, found?: number): void;
  /** Ends the bar (it stays on the screen, complete or not). */
  stop(): void;
}

const QUIET: Progress = { update() {}, stop() {} };

/** A progress bar of `total` units (`noun`: what is counted) if stderr is a terminal. */
export function progressBar(io: CliIo, total: number, noun: string, foundNoun?: string): Progress {
  if (!isInteractive(io.stderr, io.env)) return QUIET;
  const found = foundNoun === undefined ? "" : ` | {found} ${foundNoun}`;
  const bar = new cliProgress.SingleBar(
    {
      format: `{bar} {percentage}% | {value}/{total} ${noun} | {rate}/s | ETA {eta_formatted}${found}`,
      stream: io.stderr as NodeJS.WritableStream,
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  const payload = (done: number, count: number) => ({
    rate: Math.round(done / Math.max((performance.now() - started) / 1000, 0.001)).toLocaleString(
      "en",
    ),
    found: count,
  });
  bar.start(Math.max(total, 0), 0, payload(0, 0));
  let last = 0;
  return {
    update(done, count = 0) {
      last = done;
      // The total grows with a log that grows while it is read.
      if (done > bar.getTotal()) bar.setTotal(done);
      bar.update(done, payload(done, count));
    },
    stop() {
      bar.update(last);
      bar.stop();
    },
  };
}
