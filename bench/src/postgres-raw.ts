/**
 * The raw-driver limits on PostgreSQL: pg alone, the same server, row shape and indexes as the
 * PostgreSQL recorder, each statement prepared once (as the recorder's are). Everything the
 * library adds is measured against these.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { readAll } from "./pages.js";
import { forSeconds, type PostgresServer, perSecond } from "./postgres-server.js";
import { RAW_STATE, RAW_TOPIC, w1Rows } from "./w1-rows.js";

export interface PostgresRawLimits {
  /**
   * One-row inserts per second, each one statement in its own transaction (one round trip), of
   * the rows W1 saves (`w1Rows`).
   */
  readonly insert1: number;
  /** One-row inserts per second, each in BEGIN / INSERT / COMMIT (three round trips). */
  readonly insert1Tx: number;
  /** Ten-row inserts (one statement) per second. */
  readonly insert10: number;
  /** Lookups of one sequence of 10 rows per second. */
  readonly lookup10: number;
  /** The same lookups, each row's state then parsed as JSON (see the SQLite limits). */
  readonly lookup10Parsed: number;
  /** One-row inserts per second, summed over 4 connections inserting at once (as W5 saves). */
  readonly concurrent4: number;
}

const INSERT = {
  name: "raw_insert",
  text: "INSERT INTO raw_events (originator_id, originator_version, topic, state) VALUES ($1, $2, $3, $4)",
};

async function connect(server: PostgresServer): Promise<pg.Client> {
  const client = new pg.Client(server);
  await client.connect();
  return client;
}

export async function measurePostgresRawLimits(
  server: PostgresServer,
  rows: number,
  concurrentSeconds: number,
): Promise<PostgresRawLimits> {
  const db = await connect(server);
  await db.query(`DROP TABLE IF EXISTS raw_events;
    CREATE TABLE raw_events (
      notification_id bigserial, originator_id text NOT NULL, originator_version bigint NOT NULL,
      topic text NOT NULL, state bytea NOT NULL, hash bytea,
      PRIMARY KEY (originator_id, originator_version));
    CREATE UNIQUE INDEX raw_events_notification_id_idx ON raw_events (notification_id);
    CREATE INDEX raw_events_topic_idx ON raw_events (topic, notification_id)`);

  const next = w1Rows();
  let started = performance.now();
  for (let i = 0; i < rows; i++) {
    await db.query({ ...INSERT, values: [...next(), RAW_TOPIC, RAW_STATE] });
  }
  const insert1 = perSecond(rows, performance.now() - started);

  const inTx = Math.max(1, Math.floor(rows / 2));
  started = performance.now();
  for (let i = 0; i < inTx; i++) {
    await db.query("BEGIN");
    await db.query({ ...INSERT, values: [...next(), RAW_TOPIC, RAW_STATE] });
    await db.query("COMMIT");
  }
  const insert1Tx = perSecond(inTx, performance.now() - started);

  const ten = {
    name: "raw_insert10",
    text: `INSERT INTO raw_events (originator_id, originator_version, topic, state) VALUES ${Array.from(
      { length: 10 },
      (_, i) => `($1, ${i + 1}, $2, $3)`,
    ).join(", ")}`,
  };
  const batches = Math.max(1, Math.floor(rows / 10));
  const tenIds: string[] = [];
  started = performance.now();
  for (let i = 0; i < batches; i++) {
    const id = randomUUID();
    tenIds.push(id);
    await db.query({ ...ten, values: [id, RAW_TOPIC, RAW_STATE] });
  }
  const insert10 = perSecond(batches, performance.now() - started);

  const lookup = {
    name: "raw_lookup",
    text: "SELECT originator_id, originator_version, topic, state, hash FROM raw_events WHERE originator_id = $1 ORDER BY originator_version",
  };
  started = performance.now();
  for (const id of tenIds) await db.query({ ...lookup, values: [id] });
  const lookup10 = perSecond(tenIds.length, performance.now() - started);
  started = performance.now();
  for (const id of tenIds) {
    const { rows } = await db.query<{ state: Buffer }>({ ...lookup, values: [id] });
    for (const row of rows) JSON.parse(row.state.toString("utf8"));
  }
  const lookup10Parsed = perSecond(tenIds.length, performance.now() - started);

  const writers = await Promise.all(Array.from({ length: 4 }, () => connect(server)));
  const counts = await Promise.all(
    writers.map((writer) => {
      const nextOfWriter = w1Rows();
      return forSeconds(concurrentSeconds, () =>
        writer.query({ ...INSERT, values: [...nextOfWriter(), RAW_TOPIC, RAW_STATE] }),
      );
    }),
  );
  const concurrent4 = counts.reduce((sum, count) => sum + count, 0) / concurrentSeconds;
  await Promise.all(writers.map((writer) => writer.end()));
  await db.query("DROP TABLE raw_events");
  await db.end();
  return { insert1, insert1Tx, insert10, lookup10, lookup10Parsed, concurrent4 };
}

/**
 * Rows per second that pg alone reads from `table` (the application's own events table, so
 * the same rows, in the same state) in pages of 100 by notification id; only the rows of
 * `topic` if given, by the obvious query (`topic = $2`), as pg plans it.
 */
export async function measureRawPagedReads(
  server: PostgresServer,
  table: string,
  topic?: string,
): Promise<number> {
  const db = await connect(server);
  const columns = "notification_id, originator_id, originator_version, topic, state, hash";
  const page = topic
    ? {
        name: "raw_topic_page",
        text: `SELECT ${columns} FROM ${table} WHERE topic = $2 AND notification_id >= $1 ORDER BY notification_id LIMIT 100`,
      }
    : {
        name: "raw_page",
        text: `SELECT ${columns} FROM ${table} WHERE notification_id >= $1 ORDER BY notification_id LIMIT 100`,
      };
  const started = performance.now();
  const read = await readAll(
    1,
    async (next) => (await db.query({ ...page, values: topic ? [next, topic] : [next] })).rows,
    (row) => Number(row.notification_id),
  );
  const paged = perSecond(read, performance.now() - started);
  await db.end();
  return paged;
}
