/**
 * What tells the subscriptions on a SQLite database that notifications may have been recorded.
 * A write of this connection signals them when it commits, in-process, at no cost. Other
 * connections' commits — another process's, or another datastore's on the same file — change
 * the connection's `PRAGMA data_version`, which one timer per datastore reads while any
 * subscription listens (a read of shared memory, a few microseconds, without a transaction).
 * A database in memory is this connection's alone, so its commits are all there is.
 */
import {
  type ChangeFeed,
  type ChangeNotifier,
  combinedFeed,
  SharedFeed,
} from "@es/persistence-core";

/** Milliseconds between reads of `PRAGMA data_version` while a subscription listens. */
export const DATA_VERSION_POLL_MS = 5;

/** The parts of a datastore its change feed uses. */
export interface ChangesSource {
  /** Whether the database is in memory (no other connection can change it). */
  readonly isMemory: boolean;
  /** Notified after each commit of this connection. */
  readonly commits: ChangeNotifier;
  /** `PRAGMA data_version`: it changes when another connection commits. */
  dataVersion(): number;
}

/** A database's changes: this connection's commits, and other connections' by `data_version`. */
export function databaseChanges(source: ChangesSource): ChangeFeed {
  if (source.isMemory) return source.commits;
  const others = new SharedFeed(async (notify) => {
    let version = source.dataVersion();
    const timer = setInterval(() => {
      let now: number;
      try {
        now = source.dataVersion();
      } catch {
        // A closed connection has nothing more to report; the subscriptions' reads say why.
        clearInterval(timer);
        return;
      }
      if (now !== version) {
        version = now;
        notify();
      }
    }, DATA_VERSION_POLL_MS);
    return async () => clearInterval(timer);
  });
  return combinedFeed([source.commits, others]);
}
