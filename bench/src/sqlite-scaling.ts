/**
 * W3 and W3t at scale on SQLite: reading the log, and reading it by topic (a common topic, 1
 * in 10 events, and a rare one, 1 in 10,000), with 10,000 and with 1,000,000 events stored.
 * The tables are analysed first, as `PRAGMA optimize` does in a long-lived database: with
 * statistics that say a topic is common, SQLite would scan the ids unless told which index to
 * use. The plan of a page by topic is printed.
 */
import { join } from "node:path";
import { jsonTopics, QUESTION_MARKS, selectNotifications } from "@es/persistence-core/sql";
import { SqliteApplicationRecorder, SqliteDatastore } from "@es/sqlite";
import { readAll } from "./pages.js";
import { perSecond } from "./postgres-server.js";
import { COMMON, RARE, TOPIC_OF_I } from "./scaling.js";

export interface SqliteScalingResult {
  readonly stored: number;
  /** Notifications per second, reading the last 10,000 in pages of 100. */
  readonly reads: number;
  /** Notifications per second, reading the COMMON ones of the last 10,000 by topic. */
  readonly commonReads: number;
  /** Milliseconds to read all the RARE ones by topic, from the start. */
  readonly rareMs: number;
}

const READ = 10_000;
const TABLE = "scaling_events";

/** Each size's file filled in one statement, then each read 5 times after one to warm up. */
export async function measureSqliteScaling(
  dir: string,
  sizes: readonly number[],
): Promise<{ results: SqliteScalingResult[]; plan: string[] }> {
  const results: SqliteScalingResult[] = [];
  let plan: string[] = [];
  for (const size of sizes) {
    const datastore = new SqliteDatastore({ path: join(dir, `scaling-${size}.db`) });
    const recorder = new SqliteApplicationRecorder(datastore, TABLE);
    recorder.createTable();
    datastore.exec([
      `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${size})
       INSERT INTO "${TABLE}" (originator_id, originator_version, topic, state)
       SELECT lower(hex(randomblob(16))), 1, ${TOPIC_OF_I}, zeroblob(90) FROM s`,
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
    results.push({
      stored: size,
      reads: median(rates.all),
      commonReads: median(rates.common),
      rareMs: median(rates.rare),
    });
    const text = selectNotifications(`"${TABLE}"`, {
      topics: jsonTopics(`"${TABLE}_topic_idx"`),
    }).compile(QUESTION_MARKS).text;
    plan = (
      datastore.prepare(`EXPLAIN QUERY PLAN ${text}`).all(`["${RARE}"]`, 1, size, 100) as {
        detail: string;
      }[]
    ).map((row) => row.detail);
    datastore.close();
  }
  return { results, plan };
}
