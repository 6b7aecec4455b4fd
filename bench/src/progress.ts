/**
 * What the benchmark is doing, on stderr, so that a run of several minutes isn't silent: each
 * workload as it starts (with the time since the run began), and a bar (cli-progress) for the
 * long loops on a terminal. The results, on stdout, are unchanged.
 */
import cliProgress from "cli-progress";

const began = performance.now();
const interactive = process.stderr.isTTY === true && !process.env.NO_COLOR;

const elapsed = () => {
  const seconds = Math.round((performance.now() - began) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
};

/** Says which workload begins. */
export function stage(label: string): void {
  process.stderr.write(`[bench ${elapsed()}] ${label}\n`);
}

/** Says which workload begins, and how far it has got, one `tick` per unit of `total`. */
export function steps(label: string, total: number): { tick(): void; stop(): void } {
  stage(label);
  if (!interactive) return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: "  {bar} {percentage}% | {value}/{total} | ETA {eta_formatted}",
      stream: process.stderr,
      fps: 5,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { tick: () => bar.increment(), stop: () => bar.stop() };
}
