/**
 * W2, W3 and W3t at scale on SQLite: getting accounts, reading the log, and reading it by topic
 * (a common topic, 1 in 10 events, and a rare one, 1 in 10,000), with 10,000 and with
 * 1,000,000 events stored.
 * The tables are analysed first, as `PRAGMA optimize` does in a long-lived database: with
 * statistics that say a topic is common, SQLite would scan the ids unless told which index to
 * use. The plan of a page by topic is printed.
 */
import { join } from "node:path";
import {
  jsonTopics,
  QUESTION_MARKS,
  selectEvents,
  selectNotifications,
} from "@es/persistence-core/sql";
import { SqliteApplicationRecorder, SqliteDatastore } from "@es/sqlite";
import Database from "better-sqlite3";
import { readAll } from "./pages.js";
import { perSecond } from "./postgres-server.js";
import {
  ACCOUNT_OF_I,
  type AtScale,
  COMMON,
  getsAtScale,
  RARE,
  SCALING_TABLE,
  STATE_OF_I,
  TOPIC_OF_I,
  VERSION_OF_I,
} from "./scaling.js";

export interface SqliteScalingResult {
  readonly stored: number;
  /** Notifications per second, reading the last 10,000 in pages of 100. */
  readonly reads: number;
  /** Notifications per second, reading the COMMON ones of the last 10,000 by topic. */
  readonly commonReads: number;
  /** Milliseconds to read all the RARE ones by topic, from the start. */
  readonly rareMs: number;
  /** W2 at scale: gets of accounts (10 events) spread over the log, per second. */
  readonly gets: number;
  /** The lookups of the same accounts' events by better-sqlite3 alone, per second. */
  readonly rawGets: number;
}

const READ = 10_000;
const TABLE = SCALING_TABLE;

/**
 * Each size's file filled in one statement (as scaling.ts fills PostgreSQL's, each account's
 * id random), then each read 5 times after one to warm up; then `atScale`, on the largest.
 */
export async function measureSqliteScaling(
  dir: string,
  sizes: readonly number[],
  atScale?: AtScale,
): Promise<{ results: SqliteScalingResult[]; plan: string[]; getPlan: string[] }> {
  const results: SqliteScalingResult[] = [];
  let plan: string[] = [];
  let getPlan: string[] = [];
  for (const size of sizes) {
    const path = join(dir, `scaling-${size}.db`);
    const datastore = new SqliteDatastore({ path });
    const recorder = new SqliteApplicationRecorder(datastore, TABLE);
    recorder.createTable();
    datastore.exec([
      `CREATE TEMP TABLE accounts (k INTEGER PRIMARY KEY, id TEXT NOT NULL)`,
      `WITH RECURSIVE a(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM a WHERE k < ${size} / 10)
       INSERT INTO accounts SELECT k, lower(hex(randomblob(16))) FROM a`,
      `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${size})
       INSERT INTO "${TABLE}" (originator_id, originator_version, topic, state)
       SELECT accounts.id, ${VERSION_OF_I}, ${TOPIC_OF_I}, CAST(${STATE_OF_I} AS BLOB)
       FROM s JOIN accounts ON accounts.k = ${ACCOUNT_OF_I} ORDER BY i`,
      "DROP TABLE accounts",
      "ANALYZE",
    ]);
    const start = size - READ + 1;
    const rates: Record<"all" | "common" | "rare", number[]> = { all: [], common: [], rare: [] };
    for (let round = 0; round <= 5; round++) {
      for (const [key, from, topics] of [
        ["all", start, undefined],
        ["common", start, [COMMON]],
        ["rare", 1, [RARE]],
      ] as const) {
        const started = performance.now();
        const read = await readAll(
          from,
          (next) => recorder.selectNotifications(next, 100, topics && { topics }),
          (n) => n.id,
        );
        const ms = performance.now() - started;
        if (round > 0) rates[key].push(key === "rare" ? ms : perSecond(read, ms));
      }
    }
    const median = (values: number[]) =>
      values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    const get = selectEvents(`"${TABLE}"`, {}).compile(QUESTION_MARKS).text;
    getPlan = (
      datastore.prepare(`EXPLAIN QUERY PLAN ${get}`).all("an id") as { detail: string }[]
    ).map((row) => row.detail);
    const text = selectNotifications(`"${TABLE}"`, {
      topics: jsonTopics(`"${TABLE}_topic_idx"`),
    }).compile(QUESTION_MARKS).text;
    plan = (
      datastore.prepare(`EXPLAIN QUERY PLAN ${text}`).all(`["${RARE}"]`, 1, size, 100) as {
        detail: string;
      }[]
    ).map((row) => row.detail);
    datastore.close();
    const env = { INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: path };
    const raw = new Database(path, { readonly: true });
    const lookup = raw
      .prepare(
        `SELECT originator_id, originator_version, topic, state, hash FROM "${TABLE}" WHERE originator_id = ? ORDER BY originator_version`,
      )
      .raw();
    try {
      results.push({
        stored: size,
        reads: median(rates.all),
        commonReads: median(rates.common),
        rareMs: median(rates.rare),
        ...(await getsAtScale(env, size, (id) => lookup.all(id))),
      });
    } finally {
      raw.close();
    }
    if (size === sizes.at(-1) && atScale) {
      await atScale(env);
    }
  }
  return { results, plan, getPlan };
}
