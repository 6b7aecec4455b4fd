/** Snapshots stored with the head of their aggregate's hash chain. */
import { type Aggregate, Snapshot } from "@es/domain";
import { chainHeadOf, setHashOf } from "@es/persistence-core";

/**
 * A snapshot of the aggregate, carrying the hash of the event at its version (where its
 * events are hashed), so that the events read after it are checked against that hash.
 */
export function snapshotOf(aggregate: Aggregate): Snapshot {
  const snapshot = Snapshot.take(aggregate);
  const head = chainHeadOf(aggregate);
  if (head?.version === aggregate.version) setHashOf(snapshot, head.hash);
  return snapshot;
}
