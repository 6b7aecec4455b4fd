/**
 * Views on PostgreSQL: a projection's own tables and its tracking table (`<name>_tracking`) in
 * one schema (the factory's), written in one transaction per page, on one pool connection, by a
 * `Kysely<DB>` bound to it. A page's transaction first takes a transaction-level advisory lock
 * keyed by the view and the upstream application, so that two runners' pages of one view take
 * turns: the second checks the tracking records only once the first has committed, and is
 * refused if the first processed any of its notifications — whatever the pages' boundaries.
 */
import { createHash } from "node:crypto";
import {
  type Page,
  type Tracking,
  type TrackingRecorder,
  tracking,
  type View,
} from "@es/persistence-core";
import { checkDefinition, type ViewDefinition } from "@es/persistence-core/kysely";
import {
  checkPage,
  DOLLAR_NUMBERS,
  insertTracking,
  maxTrackingId,
  pageRefused,
  tableName,
  withTracking,
} from "@es/persistence-core/sql";
import type { Kysely } from "kysely";
import type { Connection, PostgresDatastore } from "../datastore.js";
import { PostgresFactory } from "../factory.js";
import { checkedTracking, PostgresTrackingRecorder } from "../recorders.js";
import { SCHEMA_CHANGES_LOCK, TableName, VIEW_PAGES_LOCK } from "../schema.js";
import { session } from "./session.js";

/** Where a view made of a datastore keeps its tables. */
export interface PostgresViewOptions {
  /** The schema of the view's tables and its tracking table (default `public`). */
  readonly schema?: string | undefined;
}

/**
 * A view on PostgreSQL: the tables of its definition and its tracking table `<name>_tracking`,
 * in one schema. Each transaction's body gets a `Kysely<DB>` bound to the transaction, whose
 * unqualified names are the view's schema's (the transaction's `search_path`). Made by
 * `postgresView`.
 *
 * @example
 * ```ts
 * const view = new PostgresView(datastore, counts, { schema: "read_models" });
 * await view.createTable();
 * await view.transaction({ applicationName: "Worlds", first: 1, last: 1 }, async (db) => {
 *   await db.insertInto("counts").values({ originator_id: id, count: 1 }).execute();
 * });
 * ```
 */
export class PostgresView<DB> extends withTracking(Object) implements View<Kysely<DB>> {
  /** The view's name. */
  readonly name: string;
  /** The pool the view's transactions run on. */
  readonly datastore: PostgresDatastore;
  /** The view's tables and how they are made. */
  readonly definition: ViewDefinition<DB>;
  /** The schema of the view's tables. */
  readonly schema: string;
  /** The table of the view's tracking records: `<name>_tracking`, in the schema. */
  readonly trackingTable: TableName;
  readonly #tables: readonly string[];
  readonly #tracking: PostgresTrackingRecorder;
  readonly #searchPath: string;
  readonly #insert: string;
  readonly #max: string;

  /**
   * @throws ProgrammingError naming the view's name, a table's or the schema's, if it isn't a
   *   plain identifier.
   */
  constructor(
    datastore: PostgresDatastore,
    definition: ViewDefinition<DB>,
    { schema = "public" }: PostgresViewOptions = {},
  ) {
    super();
    const tables = checkDefinition(definition);
    this.name = definition.name;
    this.datastore = datastore;
    this.definition = definition;
    this.trackingTable = new TableName(schema, tableName(definition.name, "tracking"));
    this.schema = this.trackingTable.schema;
    this.#tables = tables.map((table) => `"${this.schema}"."${table}"`);
    this.#tracking = new PostgresTrackingRecorder(datastore, this.trackingTable);
    this.#searchPath = `"${this.schema}"`;
    this.#insert = insertTracking(this.trackingTable.qualified).compile(DOLLAR_NUMBERS).text;
    this.#max = maxTrackingId(this.trackingTable.qualified).compile(DOLLAR_NUMBERS).text;
  }

  /**
   * Creates the schema, the tracking table and the definition's tables if they don't exist,
   * taking turns with other processes that create tables.
   */
  async createTable(): Promise<void> {
    await this.datastore.transaction(async (connection) => {
      await connection.query(
        `SELECT pg_advisory_xact_lock(${SCHEMA_CHANGES_LOCK}), set_config('search_path', $1, true)`,
        [this.#searchPath],
      );
      await connection.query(this.#tracking.createTableStatements().join(";\n"));
      const db = session<DB>(connection);
      for (const statement of this.definition.create(db)) await db.executeQuery(statement);
    });
  }

  /**
   * Empties the definition's tables and the tracking table, in one transaction that waits for
   * the pages being processed to commit, and makes the next ones wait for it.
   */
  async reset(): Promise<void> {
    const tables = [...this.#tables, this.trackingTable.qualified];
    await this.datastore.transaction(async (connection) => {
      // Every page's transaction reads the tracking table first, so this lock excludes them.
      await connection.query(
        `LOCK TABLE ${this.trackingTable.qualified} IN ACCESS EXCLUSIVE MODE;\n${tables
          .map((table) => `DELETE FROM ${table}`)
          .join(";\n")}`,
      );
    });
  }

  async transaction<T>(page: Page, body: (session: Kysely<DB>) => Promise<T>): Promise<T> {
    checkPage(this.name, page);
    const { applicationName, first, last } = page;
    checkedTracking(tracking(applicationName, last)); // a name PostgreSQL would store altered
    let failed: { readonly error: unknown } | undefined;
    try {
      return await this.datastore.transaction(async (connection) => {
        await this.#takeTurn(connection, applicationName);
        const [row] = await connection.query(this.#max, [applicationName]);
        const tracked = (row?.max as number | undefined) ?? 0;
        if (tracked >= first) throw pageRefused(this.name, page, tracked);
        let result: T;
        try {
          result = await body(session<DB>(connection));
        } catch (error) {
          failed = { error };
          throw error;
        }
        await connection.query(this.#insert, [applicationName, last]);
        return result;
      });
    } catch (error) {
      // The body's error as it was, not as the datastore would translate it.
      throw failed ? failed.error : error;
    }
  }

  /**
   * Reads the view: runs `body` with a `Kysely<DB>` in a read-only transaction whose
   * `search_path` is the view's schema, so every query sees one snapshot of the view.
   *
   * @example
   * ```ts
   * const rows = await view.read((db) => db.selectFrom("counts").selectAll().execute());
   * ```
   * @returns what `body` returns.
   * @throws whatever `body` throws; a query that writes fails (`ProgrammingError`: a read-only
   *   transaction).
   */
  async read<T>(body: (session: Kysely<DB>) => Promise<T>): Promise<T> {
    let failed: { readonly error: unknown } | undefined;
    try {
      return await this.datastore.transaction(
        async (connection) => {
          await connection.query("SELECT set_config('search_path', $1, true)", [this.#searchPath]);
          try {
            return await body(session<DB>(connection));
          } catch (error) {
            failed = { error };
            throw error;
          }
        },
        { readOnly: true },
      );
    } catch (error) {
      throw failed ? failed.error : error;
    }
  }

  /** Records a tracking record on its own, in turn with the pages of its application. */
  override async insertTracking(record: Tracking): Promise<void> {
    const { applicationName, notificationId } = checkedTracking(record);
    await this.datastore.transaction(async (connection) => {
      await this.#takeTurn(connection, applicationName);
      await connection.query(this.#insert, [applicationName, notificationId]);
    });
  }

  /** Waits for the pages of the application being processed, and sets the session's schema. */
  async #takeTurn(connection: Connection, applicationName: string): Promise<void> {
    const key = createHash("sha256")
      .update(`${this.trackingTable.qualified}\u0000${applicationName}`)
      .digest()
      .readInt32BE(0);
    await connection.query(
      `SELECT pg_advisory_xact_lock(${VIEW_PAGES_LOCK}, $1), set_config('search_path', $2, true)`,
      [key, this.#searchPath],
    );
  }

  protected get tracking(): TrackingRecorder {
    return this.#tracking;
  }
}

/**
 * A view on PostgreSQL, in the database and schema of an application's factory (`app.factory`,
 * beside the application's tables) or of a datastore (in `options.schema`, default `public`),
 * its tables created if they don't exist (unless the factory's `createTable` is false).
 *
 * @example
 * ```ts
 * const view = await postgresView(app.factory as PostgresFactory, counts);
 * ```
 * @throws ProgrammingError naming the view's name, a table's or the schema's, if it isn't a
 *   plain identifier.
 */
export async function postgresView<DB>(
  from: PostgresFactory | PostgresDatastore,
  definition: ViewDefinition<DB>,
  options: PostgresViewOptions = {},
): Promise<PostgresView<DB>> {
  const [datastore, { schema, createTable }] =
    from instanceof PostgresFactory
      ? [from.datastore, from.options]
      : [from, { schema: "public", createTable: true }];
  const view = new PostgresView(datastore, definition, { schema: options.schema ?? schema });
  if (createTable) await view.createTable();
  return view;
}
