/**
 * Waiting until a notification is tracked, for any tracking recorder: it asks the recorder
 * again and again, at first soon (a read model in the same process is usually a few
 * milliseconds behind), then less often, until the timeout.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { TrackingTimeoutError } from "./errors.js";
import type { TrackingRecorder, WaitOptions } from "./recorders.js";

const FIRST_POLL_MS = 2;
const LAST_POLL_MS = 100;

/**
 * Resolves once the recorder has `applicationName`'s notifications tracked up to
 * `notificationId`: what every recorder's `wait` does.
 *
 * @throws {@link TrackingTimeoutError} if that takes longer than `timeoutMs` (default 1000).
 * @throws an `AbortError` (its `cause` the signal's reason), if `signal` aborts first.
 */
export async function waitForTracking(
  recorder: Pick<TrackingRecorder, "hasTrackingId">,
  applicationName: string,
  notificationId: number,
  { timeoutMs = 1000, signal }: WaitOptions = {},
): Promise<void> {
  if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
    throw new RangeError(`timeoutMs must be a non-negative number, got ${String(timeoutMs)}`);
  }
  const deadline = performance.now() + timeoutMs;
  let pause = FIRST_POLL_MS;
  for (;;) {
    if (signal?.aborted) throw abortError(signal);
    if (await recorder.hasTrackingId(applicationName, notificationId)) return;
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw new TrackingTimeoutError(applicationName, notificationId, timeoutMs);
    await sleep(Math.min(pause, remaining), undefined, { signal });
    pause = Math.min(pause * 2, LAST_POLL_MS);
  }
}

/** The error an aborted wait rejects with, as node:timers/promises makes it. */
function abortError(signal: AbortSignal): Error {
  return new DOMException("The operation was aborted", {
    name: "AbortError",
    cause: signal.reason,
  });
}
