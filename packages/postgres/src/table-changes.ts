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
 * Sends a NOTIFY for `table` after the datastore's commits, for subscriptions in other
 * processes. One at a time: commits made while one is on its way are told by one more, sent
 * when it has been, so a writer never waits for it and there are at most as many as round
 * trips. A NOTIFY that fails is dropped (the subscriptions poll). Returns how to stop.
 */
export function notifyAfterCommits(datastore: PostgresDatastore, table: TableName): () => void {
  const channel = new PostgresPromptChannel(datastore, table.schema);
  let sending = false;
  let again = false;
  const send = (): void => {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    channel
      .publish(table.name)
      .catch(() => {})
      .finally(() => {
        sending = false;
        if (again) {
          again = false;
          send();
        }
      });
  };
  return datastore.commits.add(send);
}
