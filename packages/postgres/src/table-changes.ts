/**
 * What tells the subscriptions on a PostgreSQL table of events that notifications may have been
 * recorded. Writes through the same datastore (this process) signal them as they commit, in
 * process, with no round trip. Other processes' writes are heard by LISTEN, if their writers
 * NOTIFY after they commit (`notifyAfterCommits`, which the factory's `notifySubscribers`
 * turns on); otherwise, and whenever a NOTIFY is lost with a connection, a subscription's poll
 * finds them. The LISTEN is one connection per recorder, shared by its subscriptions, made again
 * when lost (`PostgresPromptChannel`), and closed when the last subscription ends.
 *
 * The NOTIFY is sent after the commit, not in the insert statement: a NOTIFY in a transaction
 * takes a lock at commit that every committing transaction that notifies queues for, so writers
 * would wait for each other's commits (see docs/subscriptions.md for the measurements).
 */
import { type ChangeFeed, combinedFeed, SharedFeed } from "@es/persistence-core";
import type { PostgresDatastore } from "./datastore.js";
import { PostgresPromptChannel } from "./prompt-channel.js";
import type { TableName } from "./schema.js";

/** The changes of a table of events: the datastore's commits, and NOTIFYs of other processes. */
export function tableChanges(datastore: PostgresDatastore, table: TableName): ChangeFeed {
  const channel = new PostgresPromptChannel(datastore, table.schema);
  const notified = new SharedFeed((notify) => channel.subscribe([table.name], notify));
  return combinedFeed([datastore.commits, notified]);
}

/**
 * The least time between two NOTIFYs of one writer, in milliseconds. Sent as often as round
 * trips allow, they cost 4 concurrent writers about a fifth of their saves on the test machine
 * (the server runs a statement for each few saves); one every 5 ms costs nothing measurable,
 * and delays a subscription in another process by 5 ms at most, and only when saves come faster.
 */
export const NOTIFY_INTERVAL_MS = 5;

/**
 * Sends a NOTIFY for `table` after the datastore's commits, for subscriptions in other
 * processes: at once after a commit when none was sent in the last `NOTIFY_INTERVAL_MS`, else
 * one when that has passed for every commit meanwhile. A writer never waits for it; one that
 * fails is dropped (the subscriptions poll). Returns how to stop.
 */
export function notifyAfterCommits(datastore: PostgresDatastore, table: TableName): () => void {
  const channel = new PostgresPromptChannel(datastore, table.schema);
  let committed = false;
  let sending = false;
  let timer: NodeJS.Timeout | undefined;
  let lastSent = Number.NEGATIVE_INFINITY;
  const send = (): void => {
    if (!committed || sending || timer !== undefined) return;
    const wait = lastSent + NOTIFY_INTERVAL_MS - performance.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        send();
      }, wait);
      // A NOTIFY due when the process ends is lost, as any may be: subscriptions poll.
      timer.unref();
      return;
    }
    committed = false;
    sending = true;
    lastSent = performance.now();
    channel
      .publish(table.name)
      .catch(() => {})
      .finally(() => {
        sending = false;
        send();
      });
  };
  const remove = datastore.commits.add(() => {
    committed = true;
    send();
  });
  return () => {
    remove();
    clearTimeout(timer);
    timer = undefined;
  };
}
