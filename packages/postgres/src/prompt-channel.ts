/**
 * Prompts between processes over PostgreSQL's LISTEN/NOTIFY: a process application in one
 * process (or machine) tells followers in others that it has new notifications. Notifications
 * are sent on one channel per database; the payload names the schema and the application, so
 * systems in other schemas of the database are ignored.
 *
 * A listening connection that is lost is made again (with growing pauses); prompts sent
 * meanwhile are lost, so on reconnecting every application listened for is reported, and
 * followers pull. Followers poll besides, so a lost prompt only delays processing.
 */
import type { PromptChannel } from "@es/persistence-core";
import type { ListeningConnection, PostgresDatastore } from "./datastore.js";

/** The channel's name: one channel for every application of a database. */
export const PROMPT_CHANNEL = "es_prompts";

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

/**
 * Prompts between processes over LISTEN/NOTIFY, for the applications of one schema: what a
 * `MultiProcessRunner` uses on PostgreSQL (`factory.promptChannel()`).
 */
export class PostgresPromptChannel implements PromptChannel {
  readonly #datastore: PostgresDatastore;
  readonly #prefix: string;

  constructor(datastore: PostgresDatastore, schema: string) {
    this.#datastore = datastore;
    this.#prefix = `${schema}:`;
  }

  async publish(applicationName: string): Promise<void> {
    // Repeating a prompt is harmless, so it may be retried like a read.
    await this.#datastore.query("SELECT pg_notify($1, $2)", [
      PROMPT_CHANNEL,
      this.#prefix + applicationName,
    ]);
  }

  async subscribe(
    applicationNames: readonly string[],
    listener: (applicationName: string) => void,
  ): Promise<() => Promise<void>> {
    const wanted = new Set(applicationNames);
    let client: ListeningConnection | undefined;
    let retry: NodeJS.Timeout | undefined;
    let delay = FIRST_RETRY_MS;
    let closed = false;

    const onNotification = (channel: string, payload: string) => {
      if (channel !== PROMPT_CHANNEL || !payload.startsWith(this.#prefix)) return;
      const name = payload.slice(this.#prefix.length);
      if (wanted.has(name)) listener(name);
    };
    const listen = async (): Promise<ListeningConnection> => {
      const next = await this.#datastore.connectListener();
      try {
        next.onNotification(onNotification);
        await next.query(`LISTEN ${PROMPT_CHANNEL}`);
      } catch (error) {
        await next.end().catch(() => {});
        throw error;
      }
      next.onEnd(() => {
        if (client !== next) return;
        client = undefined;
        if (!closed) reconnectLater();
      });
      return next;
    };
    const reconnectLater = () => {
      retry = setTimeout(async () => {
        retry = undefined;
        try {
          const next = await listen();
          if (closed) {
            await next.end().catch(() => {});
            return;
          }
          client = next;
          delay = FIRST_RETRY_MS;
          // Whatever was published while the connection was lost is reported now.
          for (const name of wanted) listener(name);
        } catch {
          delay = Math.min(delay * 2, LAST_RETRY_MS);
          if (!closed) reconnectLater();
        }
      }, delay);
    };

    client = await listen();
    return async () => {
      closed = true;
      if (retry) clearTimeout(retry);
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    };
  }
}
