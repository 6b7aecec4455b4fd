/**
 * Prompts that never arrive — through a pooler in transaction mode, LISTEN succeeds but the
 * NOTIFYs go to a server connection other clients now use — are found out by a probe: each new
 * listening connection sends itself a NOTIFY through the pool, and if it isn't heard the process
 * is warned, once (ES_PROMPTS_LOST). Nothing fails: followers and subscriptions poll. Here the
 * listener is made deaf honestly: its connection goes to another database of the same server,
 * and a NOTIFY reaches only the listeners of its own database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ListeningConnection,
  type PostgresConnectionOptions,
  PostgresDatastore,
  PostgresPromptChannel,
  PROMPT_CHANNEL,
  PROMPTS_LOST_WARNING,
} from "../src/index.js";
import { client, closedAfter, connection, connectionOptions, uniquePrefix } from "./server.js";

const PROBE_TIMEOUT_MS = 300;

/** A datastore whose listening connections go to another database: they hear nothing. */
class ListensElsewhere extends PostgresDatastore {
  readonly #elsewhere: PostgresDatastore;

  constructor(options: PostgresConnectionOptions, elsewhere: PostgresDatastore) {
    super(options);
    this.#elsewhere = elsewhere;
  }

  override connectListener(): Promise<ListeningConnection> {
    return this.#elsewhere.connectListener();
  }
}

/** The warnings this process emits while `body` runs, and a while after (the probe's wait). */
async function warningsDuring(body: () => Promise<void>): Promise<Error[]> {
  const warnings: Error[] = [];
  const collect = (warning: Error) => warnings.push(warning);
  process.on("warning", collect);
  try {
    await body();
    await new Promise((resolve) => setTimeout(resolve, PROBE_TIMEOUT_MS * 3));
  } finally {
    process.off("warning", collect);
  }
  return warnings.filter((w) => (w as { code?: string }).code === PROMPTS_LOST_WARNING);
}

const elsewhere = `deaf_${uniquePrefix()}`;
beforeAll(async () => {
  const admin = await client();
  await admin.query(`CREATE DATABASE ${elsewhere}`);
  await admin.end();
});
afterAll(async () => {
  const admin = await client();
  await admin.query(`DROP DATABASE IF EXISTS ${elsewhere} WITH (FORCE)`);
  await admin.end();
});

// The warning comes once per process: the case without one runs first.
describe("prompts", () => {
  it("arrive on a connection to the server itself: no warning, and the probe reaches no listener", async () => {
    const store = closedAfter();
    const channel = new PostgresPromptChannel(store, "public", {
      probeTimeoutMs: PROBE_TIMEOUT_MS,
    });
    // Another process's listener: it sees the probe go by, and must ignore it.
    const other = await connection();
    const sent: string[] = [];
    other.on("notification", ({ payload }) => sent.push(payload ?? ""));
    await other.query(`LISTEN ${PROMPT_CHANNEL}`);
    const heard: string[] = [];
    const warnings = await warningsDuring(async () => {
      const stop = await channel.subscribe(["Worlds"], (name) => heard.push(name));
      await channel.publish("Worlds");
      await expect.poll(() => heard).toEqual(["Worlds"]);
      await new Promise((resolve) => setTimeout(resolve, PROBE_TIMEOUT_MS * 2));
      await stop();
    });
    expect(warnings).toEqual([]);
    expect([...sent].sort()).toEqual([expect.stringMatching(/^es-probe:/), "public:Worlds"]);
    expect(heard).toEqual(["Worlds"]);
  });

  it("lost on the listening connection are warned of once per process, and nothing fails", async () => {
    const deafListener = closedAfter({ database: elsewhere });
    const store = new ListensElsewhere(connectionOptions(), deafListener);
    const channel = new PostgresPromptChannel(store, "public", {
      probeTimeoutMs: PROBE_TIMEOUT_MS,
    });
    const heard: string[] = [];
    const warnings = await warningsDuring(async () => {
      const stop = await channel.subscribe(["Worlds"], (name) => heard.push(name));
      const again = await channel.subscribe(["Counters"], (name) => heard.push(name));
      // Publishing still works; the prompts are lost, and followers would find the work by polling.
      await channel.publish("Worlds");
      await new Promise((resolve) => setTimeout(resolve, PROBE_TIMEOUT_MS * 2));
      await stop();
      await again();
    });
    await store.close();
    expect(heard).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(
      /PostgreSQL prompts don't arrive on this process's LISTEN connection: .* \(a connection pooler in transaction mode\?\)\. .* fall back to polling/,
    );
  });
});
