/** What the recorder conformance kit's suites share: options, test events, a recorder per test. */
import type { StoredEvent } from "../records.js";

/** How the recorder conformance tests make, use and release recorders. */
export interface RecorderKitOptions<R> {
  /** Releases a recorder made for a test (close connections, remove files). */
  readonly dispose?: (recorder: R) => Promise<void> | void;
  /** Events per batch in the non-interleaving test (default 1000). */
  readonly batchSize?: number;
  /** Concurrent writer tasks in the concurrency test (default 8). */
  readonly writers?: number;
}

const encoder = new TextEncoder();

/** A stored event for tests. */
export function makeStoredEvent(
  originatorId: string,
  version: number,
  topic = "topic1",
  state = "state1",
): StoredEvent {
  return { originatorId, originatorVersion: version, topic, state: encoder.encode(state) };
}

/** Runs `body` with a new recorder, released after it whatever happens. */
export async function using<R, T>(
  create: () => Promise<R>,
  options: RecorderKitOptions<R>,
  body: (recorder: R) => Promise<T>,
): Promise<T> {
  const recorder = await create();
  try {
    return await body(recorder);
  } finally {
    await options.dispose?.(recorder);
  }
}
