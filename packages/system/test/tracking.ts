/**
 * The tracking records a follower or a view keeps of an upstream application, read from the
 * store itself (a SQLite file, or the test's PostgreSQL schema), with connections of their own.
 */
import Database from "better-sqlite3";
import { client as connect } from "../../postgres/test/server.js";

/** How many tracking records there are, how many ids, and the first and last id. */
export interface TrackingFigures {
  readonly rows: number;
  readonly distinct: number;
  readonly first: number;
  readonly last: number;
}

/** The records of `table` for the application `upstream`, on the store `env` names. */
export async function trackingOf(
  store: string,
  env: Record<string, string>,
  table: string,
  upstream: string,
): Promise<TrackingFigures> {
  const query = `SELECT count(*) AS rows, count(DISTINCT notification_id) AS distinct_ids,
    min(notification_id) AS first, max(notification_id) AS last
    FROM ${table} WHERE application_name = '${upstream}'`;
  let row: Record<string, unknown>;
  if (store === "sqlite") {
    const db = new Database(env.SQLITE_DBNAME, { readonly: true });
    row = db.prepare(query).get() as Record<string, unknown>;
    db.close();
  } else {
    const client = await connect();
    await client.query(`SET search_path TO ${env.POSTGRES_SCHEMA}`);
    [row = {}] = (await client.query(query)).rows as Record<string, unknown>[];
    await client.end();
  }
  return {
    rows: Number(row.rows),
    distinct: Number(row.distinct_ids),
    first: Number(row.first),
    last: Number(row.last),
  };
}
