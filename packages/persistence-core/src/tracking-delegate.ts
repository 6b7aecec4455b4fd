/**
 * A process recorder is an application recorder plus tracking. Classes have one base, and an
 * adapter's process recorder extends its application recorder, so it keeps a tracking recorder
 * and forwards to it: written once here, for every adapter.
 */

import type { TrackingRecorder, WaitOptions } from "./recorders.js";
import type { Tracking } from "./records.js";

/**
 * A class whose instances are `T`, as TypeScript requires of a mixin's base: it takes a class
 * as one only if its constructor's parameters are typed `any[]`.
 */
// biome-ignore lint/suspicious/noExplicitAny: TypeScript's rule for mixin bases, above.
type Mixin<T> = abstract new (...args: any[]) => T;

/**
 * A subclass of `Base` that is also a tracking recorder, by forwarding to the one its
 * `tracking` getter gives (which the subclass defines).
 *
 * @example
 * ```ts
 * class MyProcessRecorder extends withTracking(MyApplicationRecorder) {
 *   readonly #tracking = new MyTrackingRecorder(this.connection);
 *   protected get tracking() {
 *     return this.#tracking;
 *   }
 * }
 * ```
 */
export function withTracking<Base extends Mixin<object>>(
  Base: Base,
): Base & Mixin<TrackingRecorder> {
  abstract class Tracked extends Base implements TrackingRecorder {
    /** The tracking recorder the tracking records are kept with. */
    protected abstract get tracking(): TrackingRecorder;

    insertTracking(tracking: Tracking): Promise<void> {
      return this.tracking.insertTracking(tracking);
    }

    maxTrackingId(applicationName: string): Promise<number> {
      return this.tracking.maxTrackingId(applicationName);
    }

    hasTrackingId(applicationName: string, notificationId: number): Promise<boolean> {
      return this.tracking.hasTrackingId(applicationName, notificationId);
    }

    wait(applicationName: string, notificationId: number, options?: WaitOptions): Promise<void> {
      return this.tracking.wait(applicationName, notificationId, options);
    }
  }
  return Tracked;
}
