/**
 * Measurements taken in rounds: each round takes every measurement once, in turn, so that a
 * machine that speeds up or slows down meanwhile biases none of them, and each is reported as
 * its median.
 */
import { perSecond } from "./postgres-server.js";

/** What `fn` resolves to, and the milliseconds it took. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, performance.now() - started];
}

export const medianOf = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** A measurement of the rate of `count`: how many it counted, per second of its time. */
export const rate =
  (count: () => Promise<number>): (() => Promise<number>) =>
  async () => {
    const [counted, ms] = await timed(count);
    return perSecond(counted, ms);
  };

/** Each measurement `rounds` times, in turns: the median of each. */
export async function inTurns<M extends Record<string, () => Promise<number>>>(
  rounds: number,
  measurements: M,
): Promise<{ [K in keyof M]: number }> {
  const taken = new Map<keyof M, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [key, measure] of Object.entries(measurements)) {
      taken.set(key, [...(taken.get(key) ?? []), await measure()]);
    }
  }
  return Object.fromEntries([...taken].map(([key, values]) => [key, medianOf(values)])) as {
    [K in keyof M]: number;
  };
}
