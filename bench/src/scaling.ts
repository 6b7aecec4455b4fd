/**
 * W2 at scale: getting an account (10 events) is no slower with 1,000,000 events stored than
 * with 10,000: its events are one range of the (originator_id, originator_version) index (the
 * plan is printed).
 *
 * W3 at scale: reading the notification log is no slower with 1,000,000 events stored than
 * with 10,000, because a page is an index range scan below the bound (the plan is printed).
 * The sizes are read in turn, by the recorder and by the page query alone (no bound, not
 * prepared), and the median of 5 reads of each is reported.
 *
 * W3t at scale: so is reading by topic, for a common topic (1 in 10 events, the last 1,000 of
 * them) and a rare one (1 in 10,000, all of them from the start), because each topic's rows
 * come from the topic index in id order (the generic plan is printed, with its actual rows).
 *
 * The events are accounts' lives of 10 (Created, then Deposited; Closed once in 10,000 events),
 * each size in a schema of its own as the `Scaling` application's table, so that `atScale`
 * (projections.ts) can run a projection over the largest before the schemas are dropped.
 */
import {
  ARRAY_TOPICS,
  DOLLAR_NUMBERS,
  selectEvents,
  selectNotifications,
} from "@es/persistence-core/sql";
import { PostgresApplicationRecorder, PostgresDatastore, TableName } from "@es/postgres";
import { Scaling } from "./model.js";
import { readAll } from "./pages.js";
import { type PostgresServer, perSecond } from "./postgres-server.js";

/** The topics of the events stored: 1 in 10 COMMON, 1 in 10,000 RARE, the rest Deposited. */
export const [COMMON, RARE] = ["Account.Created", "Account.Closed"];
const AT = '{"_type_":"datetime_iso","_data_":"2026-01-01T00:00:00.000Z"}';
/** The events stored, each a topic and the mapper's JSON of the event, so that it decodes. */
const EVENTS = {
  rare: { topic: RARE, state: `{"timestamp":${AT}}` },
  common: {
    topic: COMMON,
    state: `{"owner":"scale","timestamp":${AT},"originatorTopic":"Account"}`,
  },
  other: { topic: "Account.Deposited", state: `{"amount":10,"timestamp":${AT}}` },
};
/** Event `i` (from 1) of those stored: as `byI` chooses in SQL. */
export const scaleEventOf = (i: number): { readonly topic: string; readonly state: string } =>
  i % 10000 === 5000 ? EVENTS.rare : i % 10 === 1 ? EVENTS.common : EVENTS.other;
/** SQL choosing, for event `i`, a field of its event (as `scaleEventOf` does). */
const byI = (field: "topic" | "state") =>
  `CASE WHEN i % 10000 = 5000 THEN '${EVENTS.rare[field]}' WHEN i % 10 = 1 THEN '${EVENTS.common[field]}' ELSE '${EVENTS.other[field]}' END`;
/** The topic of event `i` (from 1), as SQL. */
export const TOPIC_OF_I = byI("topic");
/** The state of event `i`, as SQL text. */
export const STATE_OF_I = byI("state");
/** The number of the account event `i` belongs to (each has 10: versions 1 to 10), as SQL. */
export const ACCOUNT_OF_I = "(i - 1) / 10";
/** The version of event `i` in its account, as SQL. */
export const VERSION_OF_I = "(i - 1) % 10 + 1";
/** The table the events are stored in at scale: the `Scaling` application's. */
export const SCALING_TABLE = "scaling_events";

/** How many accounts W2 at scale gets, spread evenly over the events stored. */
const GETS = 1000;

/** W2 at scale: the library's gets/s, and the raw driver's lookups/s of the same accounts. */
export interface GetsAtScale {
  readonly gets: number;
  readonly rawGets: number;
}

/**
 * W2 at scale: gets of `GETS` accounts spread over the log (each account's first event at
 * evenly spaced notification ids), by a `Scaling` application on the table, in turns with
 * `rawLookup` of the same accounts' events (the driver alone); the medians of 5 rounds after
 * one to warm up.
 */
export async function getsAtScale(
  env: Record<string, string>,
  stored: number,
  rawLookup: (originatorId: string) => unknown,
): Promise<GetsAtScale> {
  const app = new Scaling({ env });
  try {
    await app.ready;
    const step = Math.max(10, Math.floor(stored / GETS / 10) * 10);
    const ids: string[] = [];
    for (let first = 1; first <= stored && ids.length < GETS; first += step) {
      const [notification] = await app.recorder.selectNotifications(first, 1);
      if (notification) ids.push(notification.originatorId);
    }
    const taken = { gets: [] as number[], rawGets: [] as number[] };
    for (let round = 0; round <= 5; round++) {
      let started = performance.now();
      for (const id of ids) await app.repository.get(id);
      if (round > 0) taken.gets.push(perSecond(ids.length, performance.now() - started));
      started = performance.now();
      for (const id of ids) await rawLookup(id);
      if (round > 0) taken.rawGets.push(perSecond(ids.length, performance.now() - started));
    }
    const median = (rates: number[]) =>
      rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)] ?? Number.NaN;
    return { gets: median(taken.gets), rawGets: median(taken.rawGets) };
  } finally {
    await app.close();
  }
}

/**
 * Runs a measurement over the events stored at the largest size, given the environment of a
 * `Scaling` application that reads them (projections.ts).
 */
export type AtScale = (env: Record<string, string>) => Promise<void>;

export interface ScalingResult {
  readonly stored: number;
  /** Notifications per second, reading the last 10,000 in pages of 100. */
  readonly reads: number;
  /** The same read by the page query alone (no bound), unprepared, through the datastore. */
  readonly rawReads: number;
  /** Notifications per second, reading the COMMON ones of the last 10,000 by topic. */
  readonly commonReads: number;
  /** Milliseconds to read all the RARE ones by topic, from the start. */
  readonly rareMs: number;
  /** W2 at scale: gets of accounts (10 events) spread over the log, per second. */
  readonly gets: number;
  /** The lookups of the same accounts' events by pg alone, per second. */
  readonly rawGets: number;
}

const READ = 10_000;

export async function measureScaling(
  server: PostgresServer,
  sizes: readonly number[],
  atScale?: AtScale,
): Promise<{ results: ScalingResult[]; plan: string[]; topicPlan: string[]; getPlan: string[] }> {
  const datastore = new PostgresDatastore({
    ...server,
    ssl: false,
    maxConnections: 2,
    connMaxAgeMs: null,
    prePing: false,
    lockTimeoutMs: 0,
    idleInTransactionSessionTimeoutMs: 0,
    connectTimeoutMs: 10_000,
  });
  const tables = sizes.map((size) => ({
    size,
    table: new TableName(`bench_scaling_${size}`, SCALING_TABLE),
  }));
  try {
    for (const { size, table } of tables) {
      await datastore.execute(`DROP SCHEMA IF EXISTS "${table.schema}" CASCADE`);
      await new PostgresApplicationRecorder(datastore, table).createTable();
      // Filled in one statement, ids from the table's own sequence (no reader is running), then
      // vacuumed, so that no reader pays for setting the rows' hint bits or the visibility map.
      await datastore.execute(`INSERT INTO ${table.qualified} (notification_id, originator_id, originator_version, topic, state)
        SELECT nextval('"${table.schema}"."${table.name}_notification_id_seq"'),
          md5((${ACCOUNT_OF_I})::text), ${VERSION_OF_I}, ${TOPIC_OF_I}, convert_to(${STATE_OF_I}, 'UTF8')
        FROM generate_series(1, ${size}) AS i`);
      await datastore.execute(`VACUUM (ANALYZE) ${table.qualified}`);
    }
    return await measureTables(datastore, tables, atScale);
  } finally {
    for (const { table } of tables) {
      await datastore.execute(`DROP SCHEMA IF EXISTS "${table.schema}" CASCADE`);
    }
    await datastore.close();
  }
}

/** An account's events, by the obvious query (unprepared, through the datastore). */
const lookup = (table: TableName) =>
  `SELECT originator_id, originator_version, topic, state, hash FROM ${table.qualified} WHERE originator_id = $1 ORDER BY originator_version`;

async function measureTables(
  datastore: PostgresDatastore,
  tables: readonly { readonly size: number; readonly table: TableName }[],
  atScale: AtScale | undefined,
): Promise<{ results: ScalingResult[]; plan: string[]; topicPlan: string[]; getPlan: string[] }> {
  await datastore.execute("CHECKPOINT").catch(() => {}); // (superusers only; it only steadies)

  // Each size read in turn, by the recorder and by pg alone, 5 times after a read to warm up.
  const times = new Map<string, number[]>();
  const record = (key: string, rate: number) => times.set(key, [...(times.get(key) ?? []), rate]);
  const median = (key: string) => {
    const rates = [...(times.get(key) ?? [])].sort((a, b) => a - b);
    return rates[Math.floor(rates.length / 2)] ?? Number.NaN;
  };
  for (let round = 0; round <= 5; round++) {
    for (const { size, table } of tables) {
      const recorder = new PostgresApplicationRecorder(datastore, table);
      const start = size - READ + 1;
      let started = performance.now();
      let read = await readAll(
        start,
        (next) => recorder.selectNotifications(next, 100),
        (n) => n.id,
      );
      if (round > 0) record(`es ${size}`, perSecond(read, performance.now() - started));
      const page = `SELECT notification_id, originator_id, originator_version, topic, state FROM ${table.qualified}
        WHERE notification_id >= $1 ORDER BY notification_id LIMIT 100`;
      started = performance.now();
      read = await readAll(
        start,
        (next) => datastore.query(page, [next]),
        (row) => row.notification_id as number,
      );
      if (round > 0) record(`pg ${size}`, perSecond(read, performance.now() - started));
      started = performance.now();
      read = await readAll(
        start,
        (next) => recorder.selectNotifications(next, 100, { topics: [COMMON] }),
        (n) => n.id,
      );
      if (round > 0) record(`common ${size}`, perSecond(read, performance.now() - started));
      started = performance.now();
      await readAll(
        1,
        (next) => recorder.selectNotifications(next, 100, { topics: [RARE] }),
        (n) => n.id,
      );
      if (round > 0) record(`rare ${size}`, performance.now() - started);
    }
  }
  const results: ScalingResult[] = [];
  for (const { size, table } of tables) {
    results.push({
      stored: size,
      reads: median(`es ${size}`),
      rawReads: median(`pg ${size}`),
      commonReads: median(`common ${size}`),
      rareMs: median(`rare ${size}`),
      ...(await getsAtScale(
        { INFRASTRUCTURE_FACTORY: "@es/postgres", POSTGRES_SCHEMA: table.schema },
        size,
        (id) => datastore.query(lookup(table), [id]),
      )),
    });
  }
  const largest = tables.at(-1)?.table;
  const rows = largest
    ? await datastore.query(
        `EXPLAIN (GENERIC_PLAN, COSTS OFF) SELECT notification_id, originator_id, originator_version, topic, state FROM ${largest.qualified}
         WHERE notification_id >= $1 AND notification_id < $2 ORDER BY notification_id LIMIT $3`,
      )
    : [];
  const plan = rows.map((row) => String(row["QUERY PLAN"]));
  const getPlan = largest
    ? (
        await datastore.query(
          `EXPLAIN (GENERIC_PLAN, COSTS OFF) ${selectEvents(largest.qualified, {}).compile(DOLLAR_NUMBERS).text}`,
        )
      ).map((row) => String(row["QUERY PLAN"]))
    : [];
  const topicPlan = largest ? await topicPagePlan(datastore, largest) : [];
  if (largest && atScale) {
    await atScale({ INFRASTRUCTURE_FACTORY: "@es/postgres", POSTGRES_SCHEMA: largest.schema });
  }
  return { results, plan, topicPlan, getPlan };
}

/**
 * The plan PostgreSQL runs for a page by topic on `table`, generic as a prepared statement's
 * is after a few runs, with its actual rows: the rare topic's first page, from the start.
 */
async function topicPagePlan(datastore: PostgresDatastore, table: TableName): Promise<string[]> {
  const text = selectNotifications(table.qualified, { topics: ARRAY_TOPICS }).compile(
    DOLLAR_NUMBERS,
  ).text;
  return datastore.transaction(async (connection) => {
    await connection.query("SET LOCAL plan_cache_mode = force_generic_plan");
    await connection.query(`PREPARE topic_page AS ${text}`);
    const rows = await connection.query(
      `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) EXECUTE topic_page('{${RARE}}', 1, ${Number.MAX_SAFE_INTEGER}, 100)`,
    );
    await connection.query("DEALLOCATE topic_page");
    return rows.map((row) => String(row["QUERY PLAN"]));
  });
}
