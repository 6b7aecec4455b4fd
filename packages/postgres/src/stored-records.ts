/**
 * An application's records in a PostgreSQL schema as they are stored, kind by kind in key order
 * (text by its bytes, `COLLATE "C"`, as SQLite orders it), for copying a store (`es copy`): read
 * a page at a time, written a page per transaction in one statement, events with their
 * notification ids, the id sequence then moved past the largest.
 */
import type {
  Notification,
  RecordKey,
  RecordKind,
  RecordsOf,
  StoredEvent,
  StoredRecords,
  Tracking,
} from "@es/persistence-core";
import { recordValues, selectLastKey, selectRecordsPage } from "@es/persistence-core/sql";
import { type PostgresDatastore, Prepared } from "./datastore.js";
import { sequenceOf, type TableName } from "./schema.js";

/** Each kind's columns (in order), key (as ordered and compared) and insert's array types. */
const SHAPES = {
  events: {
    columns: ["notification_id", "originator_id", "originator_version", "topic", "state", "hash"],
    key: ["notification_id"],
    types: ["bigint", "text", "bigint", "text", "bytea", "bytea"],
  },
  snapshots: {
    columns: ["originator_id", "originator_version", "topic", "state", "hash"],
    key: ['originator_id COLLATE "C"', "originator_version"],
    types: ["text", "bigint", "text", "bytea", "bytea"],
  },
  checkpoints: {
    columns: ["originator_id", "originator_version", "topic", "state", "hash"],
    key: ['originator_id COLLATE "C"', "originator_version"],
    types: ["text", "bigint", "text", "bytea", "bytea"],
  },
  tracking: {
    columns: ["application_name", "notification_id"],
    key: ['application_name COLLATE "C"', "notification_id"],
    types: ["text", "bigint"],
  },
} as const satisfies Record<
  RecordKind,
  { columns: readonly string[]; key: readonly string[]; types: readonly string[] }
>;

/** The application's records in the datastore's schema, each kind's table named by `table`. */
export class PostgresStoredRecords implements StoredRecords {
  readonly #datastore: PostgresDatastore;
  readonly #table: (kind: RecordKind) => TableName;

  constructor(datastore: PostgresDatastore, table: (kind: RecordKind) => TableName) {
    this.#datastore = datastore;
    this.#table = table;
  }

  async kinds(): Promise<RecordKind[]> {
    const kinds = Object.keys(SHAPES) as RecordKind[];
    const rows = await this.#datastore.query(
      "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname = ANY($2::text[])",
      [this.#table("events").schema, kinds.map((kind) => this.#table(kind).name)],
    );
    const present = new Set(rows.map((row) => row.relname as string));
    return kinds.filter((kind) => present.has(this.#table(kind).name));
  }

  async count(kind: RecordKind): Promise<number> {
    const [row] = await this.#datastore.query(
      `SELECT count(*)::bigint AS count FROM ${this.#table(kind).qualified}`,
    );
    return Number(row?.count ?? 0);
  }

  async lastKey(kind: RecordKind): Promise<RecordKey | undefined> {
    const { key } = SHAPES[kind];
    const [row] = await this.#datastore.query(selectLastKey(this.#table(kind).qualified, key));
    if (row === undefined) return undefined;
    return key.length === 1 ? [Number(row.k0)] : [String(row.k0), Number(row.k1)];
  }

  async read<K extends RecordKind>(
    kind: K,
    after: RecordKey | undefined,
    limit: number,
  ): Promise<readonly RecordsOf[K][]> {
    const { columns, key } = SHAPES[kind];
    const text = selectRecordsPage(
      this.#table(kind).qualified,
      columns.join(", "),
      key,
      after !== undefined,
      (position) => `$${position}`,
    );
    const rows = await this.#datastore.query(new Prepared(text), [...(after ?? []), limit]);
    return rows.map((row) => recordOf(kind, row)) as RecordsOf[K][];
  }

  async write<K extends RecordKind>(kind: K, records: readonly RecordsOf[K][]): Promise<void> {
    if (records.length === 0) return;
    const { columns, types } = SHAPES[kind];
    const table = this.#table(kind);
    const arrays = columns.map(() => [] as unknown[]);
    for (const record of records) {
      const values = recordValues(kind, record);
      for (let i = 0; i < values.length; i++) arrays[i]?.push(values[i]);
    }
    const insert = `INSERT INTO ${table.qualified} (${columns.join(", ")}) SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(", ")})`;
    await this.#datastore.transaction(async (connection) => {
      await connection.query(insert, arrays);
      if (kind === "events") {
        // New events follow the largest id copied, as they would have in the store copied.
        await connection.query(
          `SELECT setval('${sequenceOf(table)}'::regclass, (SELECT max(notification_id) FROM ${table.qualified}))`,
        );
      }
    });
  }
}

function recordOf(
  kind: RecordKind,
  row: Record<string, unknown>,
): Notification | StoredEvent | Tracking {
  if (kind === "tracking") {
    return {
      applicationName: row.application_name as string,
      notificationId: Number(row.notification_id),
    };
  }
  const event = {
    originatorId: row.originator_id as string,
    originatorVersion: Number(row.originator_version),
    topic: row.topic as string,
    state: row.state as Uint8Array,
    ...(row.hash === null || row.hash === undefined ? {} : { hash: row.hash as Uint8Array }),
  };
  return kind === "events" ? { id: Number(row.notification_id), ...event } : event;
}
