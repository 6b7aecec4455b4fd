/**
 * An application's records in a SQLite file as they are stored, kind by kind in key order, for
 * copying a store (`es copy`): read a page at a time, written a page per transaction, events
 * with their notification ids (AUTOINCREMENT goes on after the largest).
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
import type { PreparedStatement, SqliteDatastore } from "./datastore.js";
import {
  eventOf,
  HEX_HASH,
  notificationOf,
  type RawEventRow,
  type RawNotificationRow,
} from "./rows.js";
import { quoted } from "./schema.js";

/** Each kind's columns (in order) and key. */
const SHAPES = {
  events: {
    columns: `notification_id, originator_id, originator_version, topic, state, ${HEX_HASH("hash")}`,
    key: ["notification_id"],
  },
  snapshots: {
    columns: `originator_id, originator_version, topic, state, ${HEX_HASH("hash")}`,
    key: ["originator_id", "originator_version"],
  },
  checkpoints: {
    columns: `originator_id, originator_version, topic, state, ${HEX_HASH("hash")}`,
    key: ["originator_id", "originator_version"],
  },
  tracking: {
    columns: "application_name, notification_id",
    key: ["application_name", "notification_id"],
  },
} as const satisfies Record<RecordKind, { columns: string; key: readonly string[] }>;

/** The application's records in the datastore's tables, each kind's table named by `table`. */
export class SqliteStoredRecords implements StoredRecords {
  readonly #datastore: SqliteDatastore;
  readonly #table: (kind: RecordKind) => string;
  readonly #statements = new Map<string, PreparedStatement>();

  constructor(datastore: SqliteDatastore, table: (kind: RecordKind) => string) {
    this.#datastore = datastore;
    this.#table = table;
  }

  async kinds(): Promise<RecordKind[]> {
    const present = new Set(
      await this.#read(() =>
        (
          this.#statement("SELECT name FROM sqlite_master WHERE type = 'table'")
            .raw(true)
            .all() as [string][]
        ).map(([name]) => name),
      ),
    );
    return (Object.keys(SHAPES) as RecordKind[]).filter((kind) => present.has(this.#table(kind)));
  }

  async count(kind: RecordKind): Promise<number> {
    const [count] = (await this.#read(() =>
      this.#statement(`SELECT count(*) FROM ${quoted(this.#table(kind))}`)
        .raw(true)
        .get(),
    )) as [number];
    return count;
  }

  async lastKey(kind: RecordKind): Promise<RecordKey | undefined> {
    const text = selectLastKey(quoted(this.#table(kind)), SHAPES[kind].key);
    return (await this.#read(() => this.#statement(text).raw(true).get())) as
      | [number]
      | [string, number]
      | undefined;
  }

  async read<K extends RecordKind>(
    kind: K,
    after: RecordKey | undefined,
    limit: number,
  ): Promise<readonly RecordsOf[K][]> {
    const { columns, key } = SHAPES[kind];
    const text = selectRecordsPage(
      quoted(this.#table(kind)),
      columns,
      key,
      after !== undefined,
      () => "?",
    );
    const rows = (await this.#read(() =>
      this.#statement(text)
        .raw(true)
        .all(...(after ?? []), limit),
    )) as unknown[][];
    return rows.map((row) => recordOf(kind, row)) as RecordsOf[K][];
  }

  async write<K extends RecordKind>(kind: K, records: readonly RecordsOf[K][]): Promise<void> {
    if (records.length === 0) return;
    const table = quoted(this.#table(kind));
    const insert =
      kind === "events"
        ? `INSERT INTO ${table} (notification_id, originator_id, originator_version, topic, state, hash) VALUES (?, ?, ?, ?, ?, ?)`
        : kind === "tracking"
          ? `INSERT INTO ${table} (application_name, notification_id) VALUES (?, ?)`
          : `INSERT INTO ${table} (originator_id, originator_version, topic, state, hash) VALUES (?, ?, ?, ?, ?)`;
    const statement = this.#statement(insert);
    await this.#datastore.whenFree(() =>
      this.#datastore.write(() => {
        for (const record of records) statement.run(...recordValues(kind, record));
      }),
    );
  }

  #read<T>(fn: () => T): Promise<T> {
    return Promise.resolve(this.#datastore.whenFree(() => this.#datastore.read(fn)));
  }

  #statement(text: string): PreparedStatement {
    let statement = this.#statements.get(text);
    if (statement === undefined) {
      statement = this.#datastore.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }
}

function recordOf(
  kind: RecordKind,
  row: readonly unknown[],
): Notification | StoredEvent | Tracking {
  if (kind === "events") return notificationOf(row as unknown as RawNotificationRow);
  if (kind === "tracking") {
    const [applicationName, notificationId] = row as [string, number];
    return { applicationName, notificationId };
  }
  return eventOf(row as unknown as RawEventRow);
}
