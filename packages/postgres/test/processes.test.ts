/**
 * What processes sharing a server need: tables made by several at once, applications starting
 * again beside others saving, and prompts between them by LISTEN/NOTIFY.
 */
import { describe, expect, it } from "vitest";
import {
  PostgresApplicationRecorder,
  PostgresProcessRecorder,
  PostgresPromptChannel,
  PROMPT_CHANNEL,
  TableName,
} from "../src/index.js";
import { SCHEMA_CHANGES_LOCK } from "../src/schema.js";
import { closedAfter, connection, table, terminate, uniquePrefix } from "./server.js";

const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms),
    ),
  ]);

describe("tables made by processes", () => {
  it("are made when several recorders make them at once in a new schema, none of them failing", async () => {
    const schema = `s_${uniquePrefix()}`;
    const events = new TableName(schema, "worlds_events");
    const tracking = new TableName(schema, "worlds_tracking");
    const recorders = Array.from(
      { length: 6 },
      () => new PostgresProcessRecorder(closedAfter(), events, tracking),
    );
    await Promise.all(recorders.map((recorder) => recorder.createTable()));
    for (const recorder of recorders) {
      expect(await recorder.maxNotificationId()).toBe(0);
      expect(await recorder.maxTrackingId("upstream")).toBe(0);
    }
  });

  it("are left alone, unlocked, when they exist: saves in flight don't hold up a start", async () => {
    const events = table("events");
    const first = new PostgresApplicationRecorder(closedAfter(), events);
    await first.createTable();
    const saver = await connection();
    await saver.query("BEGIN");
    // What a save in flight holds on its table.
    await saver.query(`LOCK TABLE ${events.qualified} IN ROW EXCLUSIVE MODE`);
    const again = new PostgresApplicationRecorder(closedAfter(), events);
    await within(5_000, "starting again beside a save", again.createTable());
    await saver.query("ROLLBACK");
  });

  it("are left alone, unlocked, when another made them while it waited its turn to", async () => {
    const events = table("events");
    // The turn of processes that make tables, held here.
    const turn = await connection();
    await turn.query("BEGIN");
    await turn.query(`SELECT pg_advisory_xact_lock(${SCHEMA_CHANGES_LOCK})`);
    const late = new PostgresApplicationRecorder(closedAfter(), events);
    const making = late.createTable();
    // It found no tables, and waits for its turn to make them.
    await expect
      .poll(async () => {
        const { rows } = await turn.query(
          "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        );
        return rows[0]?.n;
      })
      .toBeGreaterThan(0);
    // Meanwhile another makes them, and saves.
    const other = new PostgresApplicationRecorder(closedAfter(), events);
    await other.datastore.execute(other.createTableStatements().join(";\n"));
    const saver = await connection();
    await saver.query("BEGIN");
    await saver.query(`LOCK TABLE ${events.qualified} IN ROW EXCLUSIVE MODE`);
    await turn.query("COMMIT");
    await within(5_000, "making tables another made meanwhile, beside a save", making);
    await saver.query("ROLLBACK");
  });
});

describe("prompts between processes", () => {
  const channels = (schema = `s_${uniquePrefix()}`) =>
    [new PostgresPromptChannel(closedAfter(), schema), schema] as const;

  it("reach the listeners of the application named, in the same schema only", async () => {
    const [channel, schema] = channels();
    const [otherSchema] = channels();
    const heard: string[] = [];
    const stop = await channel.subscribe(["Worlds", "Other"], (name) => heard.push(name));
    const stopOther = await otherSchema.subscribe(["Worlds"], (name) => heard.push(`x${name}`));
    const publisher = new PostgresPromptChannel(closedAfter(), schema);
    await publisher.publish("Worlds");
    await publisher.publish("Unheard");
    await publisher.publish("Other");
    await expect.poll(() => heard).toEqual(["Worlds", "Other"]);
    await stop();
    await stopOther();
    await publisher.publish("Worlds");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toEqual(["Worlds", "Other"]);
  });

  it("listen again after the connection is lost, and report every application then", async () => {
    const store = closedAfter();
    const channel = new PostgresPromptChannel(store, "public");
    const heard: string[] = [];
    const stop = await channel.subscribe(["Worlds", "Counters"], (name) => heard.push(name));
    const admin = await connection();
    const listening = async () =>
      (
        await admin.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'",
          [store.options.applicationName],
        )
      ).rows[0]?.n as number;
    expect(await listening()).toBe(1);
    // The listening connection ends (and the pool's, which sent its probe, if still open).
    expect(await terminate(admin, store)).toBeGreaterThanOrEqual(1);
    // Prompts sent while it wasn't listening are lost: it reports every name instead.
    await expect.poll(() => heard, { timeout: 5_000 }).toEqual(["Worlds", "Counters"]);
    await expect.poll(listening).toBe(1);
    await admin.query("SELECT pg_notify($1, $2)", [PROMPT_CHANNEL, "public:Counters"]);
    await expect.poll(() => heard).toEqual(["Worlds", "Counters", "Counters"]);
    await stop();
    await expect.poll(listening).toBe(0);
  });
});
