/**
 * W3 at scale: reading the notification log is no slower with 1,000,000 events stored than
 * with 10,000, because a page is an index range scan below the bound (the plan is printed).
 */
import { PostgresApplicationRecorder, PostgresDatastore, TableName } from "@es/postgres";
import { readAll } from "./pages.js";
import { type PostgresServer, perSecond } from "./postgres-server.js";

export interface ScalingResult {
  readonly stored: number;
  /** Notifications per second, reading the last 10,000 in pages of 100. */
  readonly reads: number;
}

const READ = 10_000;

export async function measureScaling(
  server: PostgresServer,
  sizes: readonly number[],
): Promise<{ results: ScalingResult[]; plan: string[] }> {
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
  const results: ScalingResult[] = [];
  let plan: string[] = [];
  for (const size of sizes) {
    const table = new TableName("public", `bench_scaling_${size}`);
    const recorder = new PostgresApplicationRecorder(datastore, table);
    await datastore.execute(`DROP TABLE IF EXISTS ${table.qualified}`);
    await recorder.createTable();
    // Filled in one statement, ids from the table's own sequence (no reader is running).
    await datastore.execute(`INSERT INTO ${table.qualified} (notification_id, originator_id, originator_version, topic, state)
      SELECT nextval('"public"."${table.name}_notification_id_seq"'), md5(i::text), 1, 'Account.Deposited',
        convert_to(repeat('x', 90), 'UTF8')
      FROM generate_series(1, ${size}) AS i;
      ANALYZE ${table.qualified}`);
    const start = size - READ + 1;
    await recorder.selectNotifications(start, 100); // warm: prepares, measures the bound
    const started = performance.now();
    const read = await readAll(
      start,
      (next) => recorder.selectNotifications(next, 100),
      (n) => n.id,
    );
    results.push({ stored: size, reads: perSecond(read, performance.now() - started) });
    const rows = await datastore.query(
      `EXPLAIN (GENERIC_PLAN, COSTS OFF) SELECT notification_id, originator_id, originator_version, topic, state FROM ${table.qualified}
       WHERE notification_id >= $2 AND notification_id < $1 ORDER BY notification_id LIMIT $3`,
    );
    plan = rows.map((row) => String(row["QUERY PLAN"]));
    await datastore.execute(`DROP TABLE ${table.qualified}`);
  }
  await datastore.close();
  return { results, plan };
}
