/**
 * The raw-driver limits: better-sqlite3 alone, prepared statements, the same table (row shape
 * and indexes) and pragmas as the SQLite recorder. Everything the library adds is measured
 * against these.
 */
import { randomUUID } from "node:crypto";
import { SqliteApplicationRecorder, SqliteDatastore, type Synchronous } from "@es/sqlite";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { readAll } from "./pages.js";
import { RAW_STATE, RAW_TOPIC, w1Rows } from "./w1-rows.js";

export interface RawLimits {
  /** One-row transactions per second, of the rows W1 saves (`w1Rows`). */
  readonly insert1: number;
  /** Ten-row transactions per second. */
  readonly insert10: number;
  /** Lookups of one sequence of 10 rows per second. */
  readonly lookup10: number;
  /**
   * The same lookups, each row's state then parsed as JSON: the least a get that decodes its
   * events does beyond the driver (what W2 is also compared with).
   */
  readonly lookup10Parsed: number;
  /** Rows per second read in pages of 100 by id. */
  readonly paged: number;
  /** The 10-row lookups per second when kysely builds and runs each query (why we precompile). */
  readonly kyselyLookup10: number;
}

interface RawRow {
  notification_id: number;
  originator_id: string;
  originator_version: number;
  topic: string;
  state: Uint8Array;
}

/**
 * A database of its own for the raw driver, with the same pragmas, and the application's
 * events table exactly as the recorder makes it (its columns, the unique sequence index and
 * the topic index every insert also writes), named `raw_events`: what the database costs.
 */
export function rawEventsDatabase(path: string, synchronous: Synchronous): Database.Database {
  const db = new Database(path);
  if (path !== ":memory:") db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  const schema = new SqliteDatastore({ path: ":memory:" });
  for (const statement of new SqliteApplicationRecorder(
    schema,
    "raw_events",
  ).createTableStatements()) {
    db.exec(statement);
  }
  schema.close();
  return db;
}

export async function measureRawLimits(
  path: string,
  synchronous: Synchronous,
  rows: number,
): Promise<RawLimits> {
  const db = rawEventsDatabase(path, synchronous);
  const insert = db.prepare(
    "insert into raw_events (originator_id, originator_version, topic, state, hash) values (?, ?, ?, ?, null)",
  );
  const one = db.transaction((id: string, version: number) =>
    insert.run(id, version, RAW_TOPIC, RAW_STATE),
  );
  const next = w1Rows();
  let started = performance.now();
  for (let i = 0; i < rows; i++) one.immediate(...next());
  const insert1 = rows / ((performance.now() - started) / 1000);

  const ten = db.transaction((id: string) => {
    for (let v = 1; v <= 10; v++) insert.run(id, v, RAW_TOPIC, RAW_STATE);
  });
  const batches = Math.max(1, Math.floor(rows / 10));
  const tenIds: string[] = [];
  started = performance.now();
  for (let i = 0; i < batches; i++) {
    const id = randomUUID();
    tenIds.push(id);
    ten.immediate(id);
  }
  const insert10 = batches / ((performance.now() - started) / 1000);

  const lookup = db.prepare(
    "select originator_id, originator_version, topic, state, hash from raw_events where originator_id = ? order by originator_version",
  );
  started = performance.now();
  for (const id of tenIds) lookup.all(id);
  const lookup10 = tenIds.length / ((performance.now() - started) / 1000);
  started = performance.now();
  for (const id of tenIds) {
    for (const row of lookup.all(id) as { state: Buffer }[]) JSON.parse(row.state.toString("utf8"));
  }
  const lookup10Parsed = tenIds.length / ((performance.now() - started) / 1000);

  const page = db.prepare(
    "select notification_id, originator_id, originator_version, topic, state, hash from raw_events where notification_id >= ? order by notification_id limit 100",
  );
  started = performance.now();
  const read = await readAll(
    1,
    (next) => page.all(next) as { notification_id: number }[],
    (row) => row.notification_id,
  );
  const paged = read / ((performance.now() - started) / 1000);

  const kysely = new Kysely<{ raw_events: RawRow }>({
    dialect: new SqliteDialect({ database: db }),
  });
  started = performance.now();
  for (const id of tenIds) {
    await kysely
      .selectFrom("raw_events")
      .select(["originator_id", "originator_version", "topic", "state"])
      .where("originator_id", "=", id)
      .orderBy("originator_version")
      .execute();
  }
  const kyselyLookup10 = tenIds.length / ((performance.now() - started) / 1000);
  await kysely.destroy();
  return { insert1, insert10, lookup10, lookup10Parsed, paged, kyselyLookup10 };
}

/**
 * Rows per second that better-sqlite3 alone reads of one topic from an application's
 * database (the same rows, file and index), in pages of 100, by the obvious query.
 */
export async function measureRawTopicReads(
  path: string,
  table: string,
  topic: string,
): Promise<number> {
  const db = new Database(path, { readonly: true });
  const page = db.prepare(
    `select notification_id, originator_id, originator_version, topic, state from "${table}" where topic = ? and notification_id >= ? order by notification_id limit 100`,
  );
  const started = performance.now();
  const read = await readAll(
    1,
    (next) => page.all(topic, next) as { notification_id: number }[],
    (row) => row.notification_id,
  );
  db.close();
  return read / ((performance.now() - started) / 1000);
}
