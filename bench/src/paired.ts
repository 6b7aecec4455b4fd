/**
 * W1 and W2 beside the raw driver, in turns: each round saves a slice of accounts through the
 * library, then makes as many one-row transactions of the same rows (`w1Rows`) with the driver
 * alone; gets every account
 * saved, then looks up the same accounts' rows (the same table, file or server) with the driver
 * alone, and again parsing each state. Each figure is the median of its rounds and the ratio
 * is of the medians, so that a machine that speeds up or slows down during a run biases
 * neither side (figures measured minutes apart moved by ±10 % here).
 */
import type { Synchronous } from "@es/sqlite";
import Database from "better-sqlite3";
import pg from "pg";
import { Accounts, accountLife, COMMANDS } from "./model.js";
import type { PostgresServer } from "./postgres-server.js";
import { inTurns, rate } from "./rounds.js";
import { rawEventsDatabase } from "./sqlite-raw.js";
import { RAW_STATE, RAW_TOPIC, w1Rows } from "./w1-rows.js";

/** What the driver alone does, for one store. */
export interface RawDriver {
  /** One event inserted, as one transaction. */
  insert(): unknown;
  /** An aggregate's rows, in version order, from the application's own table. */
  lookup(id: string): Promise<readonly { readonly state: Buffer }[]>;
  /** Closes the driver's connections. */
  close(): Promise<void>;
}

/** The medians of the rounds, ours and the driver's. */
export interface PairedResult {
  readonly store: string;
  readonly saves: number;
  readonly rawInserts: number;
  readonly gets: number;
  readonly rawLookups: number;
  readonly rawParsedLookups: number;
}

const LOOKUP_COLUMNS = "originator_id, originator_version, topic, state, hash";

/** W1 and W2 of `env`'s store beside `raw`, `rounds` times each, `accounts` a round for W1. */
export async function measurePaired(
  store: string,
  env: Record<string, string>,
  raw: RawDriver,
  { rounds, accounts }: { readonly rounds: number; readonly accounts: number },
): Promise<PairedResult> {
  const app = new Accounts({ env });
  await app.ready;
  const ids: string[] = [];
  try {
    const w1 = await inTurns(rounds, {
      ours: rate(async () => {
        for (let i = 0; i < accounts; i++) ids.push(await accountLife(app, `paired ${i}`));
        return accounts * (COMMANDS + 1);
      }),
      raw: rate(async () => {
        const count = accounts * (COMMANDS + 1);
        for (let i = 0; i < count; i++) await raw.insert();
        return count;
      }),
    });
    const w2 = await inTurns(rounds, {
      ours: rate(async () => {
        for (const id of ids) await app.repository.get(id);
        return ids.length;
      }),
      raw: rate(async () => {
        for (const id of ids) await raw.lookup(id);
        return ids.length;
      }),
      parsed: rate(async () => {
        for (const id of ids) {
          for (const row of await raw.lookup(id)) {
            JSON.parse(row.state.toString("utf8"));
          }
        }
        return ids.length;
      }),
    });
    return {
      store,
      saves: w1.ours,
      rawInserts: w1.raw,
      gets: w2.ours,
      rawLookups: w2.raw,
      rawParsedLookups: w2.parsed,
    };
  } finally {
    await app.close();
    await raw.close();
  }
}

/**
 * better-sqlite3 alone: one-row transactions into a table made as the recorder makes its own
 * (`rawEventsDatabase`); lookups in the application's file.
 */
export function sqliteRawDriver(
  rawPath: string,
  appPath: string,
  synchronous: Synchronous,
): RawDriver {
  const db = rawEventsDatabase(rawPath, synchronous);
  const insert = db.prepare(
    "insert into raw_events (originator_id, originator_version, topic, state, hash) values (?, ?, ?, ?, null)",
  );
  const next = w1Rows();
  const one = db.transaction(() => insert.run(...next(), RAW_TOPIC, RAW_STATE));
  // Opened at the first lookup: the application makes its file first.
  let app: Database.Database | undefined;
  let lookup: Database.Statement<[string]> | undefined;
  return {
    insert: () => one.immediate(),
    lookup: async (id) => {
      if (!lookup) {
        app = new Database(appPath, { readonly: true });
        lookup = app.prepare(
          `select ${LOOKUP_COLUMNS} from accounts_events where originator_id = ? order by originator_version`,
        );
      }
      return lookup.all(id) as { state: Buffer }[];
    },
    close: async () => {
      db.close();
      app?.close();
    },
  };
}

/** pg alone: one-statement inserts into a table like the recorder's; lookups in its table. */
export async function postgresRawDriver(
  server: PostgresServer,
  schema: string,
): Promise<RawDriver> {
  const db = new pg.Client(server);
  await db.connect();
  await db.query(`DROP TABLE IF EXISTS raw_paired_events;
    CREATE TABLE raw_paired_events (
      notification_id bigserial, originator_id text NOT NULL, originator_version bigint NOT NULL,
      topic text NOT NULL, state bytea NOT NULL, hash bytea,
      PRIMARY KEY (originator_id, originator_version));
    CREATE UNIQUE INDEX ON raw_paired_events (notification_id);
    CREATE INDEX ON raw_paired_events (topic, notification_id)`);
  const insert = {
    name: "raw_paired_insert",
    text: "INSERT INTO raw_paired_events (originator_id, originator_version, topic, state) VALUES ($1, $2, $3, $4)",
  };
  const next = w1Rows();
  const lookup = {
    name: "raw_paired_lookup",
    text: `SELECT ${LOOKUP_COLUMNS} FROM "${schema}"."accounts_events" WHERE originator_id = $1 ORDER BY originator_version`,
  };
  return {
    insert: () => db.query({ ...insert, values: [...next(), RAW_TOPIC, RAW_STATE] }),
    lookup: async (id) => (await db.query<{ state: Buffer }>({ ...lookup, values: [id] })).rows,
    close: async () => {
      await db.query("DROP TABLE raw_paired_events");
      await db.end();
    },
  };
}
