/**
 * `es log`: the notification log from a position, as a table or JSON lines; with `--follow`,
 * the notifications recorded after, as they are recorded, until stopped.
 */
import type { Notification } from "@es/persistence-core";
import { notificationToJSON } from "@es/system";
import { CliError } from "../cli-error.js";
import type { CliIo } from "../io.js";
import { printJson, printTable } from "../output.js";
import { openStore, type StoreOptions } from "../store.js";

/** What `log` takes. */
export interface LogOptions extends StoreOptions {
  /** The first notification id shown (default 1). */
  readonly from?: number | undefined;
  /** Notifications shown at most (default 100, unless following). */
  readonly limit?: number | undefined;
  /** Only notifications of these topics. */
  readonly topic?: readonly string[] | undefined;
  /** Goes on showing notifications as they are recorded. */
  readonly follow?: boolean | undefined;
  readonly json?: boolean | undefined;
}

const PAGE = 500;

/** Prints the log; resolves to the exit status. */
export async function log(options: LogOptions, io: CliIo): Promise<number> {
  const from = options.from ?? 1;
  const limit = options.limit ?? (options.follow ? Number.POSITIVE_INFINITY : 100);
  const topics = options.topic && options.topic.length > 0 ? options.topic : undefined;
  const app = await openStore(options, io);
  try {
    const shown: Notification[] = [];
    let next = from;
    let printed = 0;
    // Where a follow goes on from: after the last notification read (and any gap before it).
    for (;;) {
      const size = Math.min(PAGE, limit - printed);
      if (size <= 0) break;
      const page = await app.recorder.selectNotifications(next, size, topics ? { topics } : {});
      if (options.json || options.follow) for (const n of page) print(io, n, options.json);
      else shown.push(...page);
      printed += page.length;
      const last = page.at(-1);
      if (last !== undefined) next = last.id + 1;
      if (last === undefined || page.length < size) break;
    }
    if (!options.json && !options.follow) {
      if (shown.length === 0) io.stderr.write(`No notifications from ${from}.\n`);
      else printTable(io, shown.map(row));
    }
    if (options.follow && printed < limit) {
      await followFrom(app, io, options, next - 1, topics, limit - printed);
    }
    return 0;
  } finally {
    await app.close();
  }
}

async function followFrom(
  app: Awaited<ReturnType<typeof openStore>>,
  io: CliIo,
  options: LogOptions,
  after: number,
  topics: readonly string[] | undefined,
  remaining: number,
): Promise<void> {
  let left = remaining;
  const subscription = app.recorder.subscribe({
    after,
    ...(topics ? { topics } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
  });
  try {
    for await (const notification of subscription) {
      print(io, notification, options.json);
      left -= 1;
      if (left <= 0) break;
    }
  } catch (error) {
    if (io.signal?.aborted) return;
    throw new CliError(`Following the log stopped: ${(error as Error).message}`, { cause: error });
  }
}

function print(io: CliIo, notification: Notification, json: boolean | undefined): void {
  if (json) printJson(io, notificationJson(notification));
  else {
    const { id, originatorId, originatorVersion, topic, state } = notification;
    io.stdout.write(
      `${id}\t${originatorId}\t${originatorVersion}\t${topic}\t${state.byteLength} bytes\n`,
    );
  }
}

function row(notification: Notification): Record<string, unknown> {
  return {
    id: notification.id,
    "originator id": notification.originatorId,
    version: notification.originatorVersion,
    topic: notification.topic,
    bytes: notification.state.byteLength,
    hash: notification.hash ? Buffer.from(notification.hash).toString("hex").slice(0, 12) : "",
  };
}

/**
 * A notification as the JSON interface writes one (`originator_id`, the state's bytes in
 * base64), with its hash in hex (null when it has none).
 */
export function notificationJson(notification: Notification): Record<string, unknown> {
  return {
    ...notificationToJSON(notification),
    hash: notification.hash ? Buffer.from(notification.hash).toString("hex") : null,
  };
}
