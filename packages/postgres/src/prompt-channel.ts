/**
 * Prompts between processes over PostgreSQL's LISTEN/NOTIFY: a process application in one
 * process (or machine) tells followers in others that it has new notifications. Notifications
 * are sent on one channel per database; the payload names the schema and the application, so
 * systems in other schemas of the database are ignored.
 *
 * A listening connection that is lost is made again (with growing pauses); prompts sent
 * meanwhile are lost, so on reconnecting every application listened for is reported, and
 * followers pull. Followers poll besides, so a lost prompt only delays processing.
 *
 * Some paths to the server lose every prompt: through a pooler in transaction mode (PgBouncer)
 * LISTEN succeeds, but on a server connection that is handed to other clients, so NOTIFYs never
 * arrive. So each new listening connection sends itself a probe, a NOTIFY through the pool, and
 * if it isn't heard in a few seconds the process is warned, once (`ES_PROMPTS_LOST`): it goes on
 * working, by polling. A probe's payload can't be a prompt's (no schema name has a hyphen), so
 * every listener, in this process or another, ignores it.
 */
import { randomUUID } from "node:crypto";
import type { PromptChannel } from "@es/persistence-core";
import type { ListeningConnection, PostgresDatastore } from "./datastore.js";

/** The channel's name: one channel for every application of a database. */
export const PROMPT_CHANNEL = "es_prompts";

/** The code of the warning that prompts don't arrive (`process.on("warning")` sees it). */
export const PROMPTS_LOST_WARNING = "ES_PROMPTS_LOST";

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;
/** How long a new listening connection waits to hear its probe: a NOTIFY takes milliseconds. */
const PROBE_TIMEOUT_MS = 5_000;
/** How a probe's payload starts: with a hyphen, which no schema name (so no prompt) has. */
const PROBE_PREFIX = "es-probe:";

/** Whether this process was warned that prompts are lost: once is enough. */
let warnedLost = false;

function warnPromptsLost(timeoutMs: number): void {
  if (warnedLost) return;
  warnedLost = true;
  process.emitWarning(
    `PostgreSQL prompts don't arrive on this process's LISTEN connection: a NOTIFY on '${PROMPT_CHANNEL}' wasn't heard within ${timeoutMs} ms (a connection pooler in transaction mode?). Followers, subscriptions and projections fall back to polling, later by up to their poll interval.`,
    {
      code: PROMPTS_LOST_WARNING,
      detail:
        "Point the listening side at the server itself, or at a pooler in session mode (see docs/postgres.md, Behind a connection pooler).",
    },
  );
}

/** How a prompt channel works, beside its datastore and schema. */
export interface PromptChannelOptions {
  /** How long a new listening connection waits to hear its probe, in ms (default 5000). */
  readonly probeTimeoutMs?: number;
}

/**
 * Prompts between processes over LISTEN/NOTIFY, for the applications of one schema: what a
 * `MultiProcessRunner` uses on PostgreSQL (`factory.promptChannel()`).
 */
export class PostgresPromptChannel implements PromptChannel {
  readonly #datastore: PostgresDatastore;
  readonly #prefix: string;
  readonly #probeTimeoutMs: number;

  constructor(
    datastore: PostgresDatastore,
    schema: string,
    { probeTimeoutMs = PROBE_TIMEOUT_MS }: PromptChannelOptions = {},
  ) {
    this.#datastore = datastore;
    this.#prefix = `${schema}:`;
    this.#probeTimeoutMs = probeTimeoutMs;
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
    /** The probes not heard yet, by payload, with the timers that give up on them. */
    const probes = new Map<string, NodeJS.Timeout>();

    const onNotification = (channel: string, payload: string) => {
      if (channel !== PROMPT_CHANNEL) return;
      const probe = probes.get(payload);
      if (probe !== undefined) {
        clearTimeout(probe);
        probes.delete(payload);
      }
      if (!payload.startsWith(this.#prefix)) return;
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
      sendProbe(next);
      return next;
    };
    const sendProbe = (listening: ListeningConnection) => {
      if (warnedLost) return;
      const payload = `${PROBE_PREFIX}${randomUUID()}`;
      const timeoutMs = this.#probeTimeoutMs;
      const timer = setTimeout(() => {
        probes.delete(payload);
        // Only a connection still listening says anything: one lost or closed meanwhile doesn't.
        if (client === listening && !closed) warnPromptsLost(timeoutMs);
      }, timeoutMs);
      timer.unref();
      probes.set(payload, timer);
      this.#datastore.query("SELECT pg_notify($1, $2)", [PROMPT_CHANNEL, payload]).catch(() => {
        // A probe that couldn't be sent proves nothing.
        clearTimeout(timer);
        probes.delete(payload);
      });
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
      for (const timer of probes.values()) clearTimeout(timer);
      probes.clear();
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    };
  }
}
