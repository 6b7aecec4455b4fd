/**
 * Views on PostgreSQL: a projection's own tables and its tracking table (`<name>_tracking`) in
 * one schema (the factory's), written in one transaction per page, on one pool connection, by a
 * `Kysely<DB>` bound to it. A page's transaction first takes a transaction-level advisory lock
 * keyed by the view and the upstream application, so that two runners' pages of one view take
 * turns: the second checks the tracking records only once the first has committed, and is
 * refused if the first processed any of its notifications — whatever the pages' boundaries.
 *
 * A rebuild is built in a schema of its own, `<schema>__<name>_rebuild`, where its tables have
 * the live ones' names (and so do their indexes and constraints), and is switched in by one
 * transaction that drops the live tables and moves the rebuild's into the view's schema.
 */
import { createHash } from "node:crypto";
import {
  type Page,
  ProgrammingError,
  type Tracking,
  type TrackingRecorder,
  tracking,
  type View,
  type ViewRebuild,
} from "@es/persistence-core";
import { checkDefinition, type ViewDefinition } from "@es/persistence-core/kysely";
import {
  beginRebuild,
  checkPage,
  DOLLAR_NUMBERS,
  insertTracking,
  maxTrackingId,
  pageRefused,
  type RebuildGuard,
  tableName,
  viewRebuild,
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
 * Its rebuild (`rebuild()`) is a `PostgresView` in the schema `<schema>__<name>_rebuild`, whose
 * transactions' unqualified names are that schema's alone (a body that reads the application's
 * tables names them with their schema).
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
  /** Given, this view is a rebuild's, usable while the rebuild is under way. */
  readonly #guard: RebuildGuard | undefined;
  /** The guard of this view's latest rebuild, which a later one replaces. */
  #rebuilding: RebuildGuard | undefined;

  /**
   * @param guard - given (by `rebuild()`), the view is a rebuild's, refused once the rebuild
   *   has ended.
   * @throws ProgrammingError naming the view's name, a table's or the schema's, if it isn't a
   *   plain identifier.
   */
  constructor(
    datastore: PostgresDatastore,
    definition: ViewDefinition<DB>,
    { schema = "public" }: PostgresViewOptions = {},
    guard?: RebuildGuard,
  ) {
    super();
    this.#guard = guard;
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
    this.#guard?.check();
    await this.datastore.transaction(async (connection) => {
      await connection.query(`SELECT pg_advisory_xact_lock(${SCHEMA_CHANGES_LOCK})`);
      await this.#create(connection);
    });
  }

  /** Creates the schema and the tables if they don't exist, in the transaction under way. */
  async #create(connection: Connection): Promise<void> {
    await connection.query("SELECT set_config('search_path', $1, true)", [this.#searchPath]);
    await connection.query(this.#tracking.createTableStatements().join(";\n"));
    const db = session<DB>(connection);
    for (const statement of this.definition.create(db)) await db.executeQuery(statement);
  }

  /**
   * Empties the definition's tables and the tracking table, in one transaction that waits for
   * the pages being processed to commit, and makes the next ones wait for it.
   */
  async reset(): Promise<void> {
    this.#guard?.check();
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
    this.#guard?.check();
    checkPage(this.name, page);
    const { applicationName, first, last } = page;
    checkedTracking(tracking(applicationName, last)); // a name PostgreSQL would store altered
    return this.#inSession(body, {
      before: async (connection) => {
        await this.#takeTurn(connection, applicationName);
        const [row] = await connection.query(this.#max, [applicationName]);
        const tracked = (row?.max as number | undefined) ?? 0;
        if (tracked >= first) throw pageRefused(this.name, page, tracked);
      },
      after: async (connection) => {
        await connection.query(this.#insert, [applicationName, last]);
      },
    });
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
    return this.#inSession(body, {
      readOnly: true,
      before: async (connection) => {
        await connection.query("SELECT set_config('search_path', $1, true)", [this.#searchPath]);
      },
    });
  }

  /**
   * Runs `body` with a session in a transaction: `before` it, then `after` it, all committing
   * or none. The body's error propagates as it was, not as the datastore would translate it.
   */
  async #inSession<T>(
    body: (session: Kysely<DB>) => Promise<T>,
    steps: {
      readonly before: (connection: Connection) => Promise<void>;
      readonly after?: (connection: Connection) => Promise<void>;
      readonly readOnly?: boolean;
    },
  ): Promise<T> {
    let failed: { readonly error: unknown } | undefined;
    try {
      return await this.datastore.transaction(
        async (connection) => {
          await steps.before(connection);
          let result: T;
          try {
            result = await body(session<DB>(connection));
          } catch (error) {
            failed = { error };
            throw error;
          }
          await steps.after?.(connection);
          return result;
        },
        { readOnly: steps.readOnly ?? false },
      );
    } catch (error) {
      throw failed ? failed.error : error;
    }
  }

  /** Records a tracking record on its own, in turn with the pages of its application. */
  override async insertTracking(record: Tracking): Promise<void> {
    this.#guard?.check();
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

  /**
   * A rebuild: the schema `<schema>__<name>_rebuild`, made again (dropping any an earlier
   * rebuild left) with the tracking table and the definition's tables, in one transaction.
   * Its switch, in one transaction: locks the live tracking table (every page's transaction
   * reads it first, so the pages under way of every upstream application commit first, and
   * the next ones wait for the switch), drops the live tables, moves the rebuild's into the
   * view's schema (their indexes and constraints go with them, under their own names),
   * replaces the live tracking records with the rebuild's, and drops the rebuild's schema —
   * which fails the switch, changing nothing, if anything else is left in it (a type a moved
   * table's column uses, say, which dropping the schema would take with it).
   *
   * @throws ProgrammingError if the rebuild's schema's name would be longer than PostgreSQL's
   *   63 characters.
   */
  async rebuild(): Promise<ViewRebuild<Kysely<DB>, PostgresView<DB>>> {
    const guard = beginRebuild(this.name, this.#guard, this.#rebuilding);
    const schema = `${this.schema}__${this.name}_rebuild`;
    if (schema.length > 63) {
      throw new ProgrammingError(
        `View '${this.name}' in schema '${this.schema}' can't be rebuilt: its rebuild's schema '${schema}' would be longer than PostgreSQL's 63 characters (shorten the schema's name or the view's)`,
      );
    }
    this.#rebuilding = guard;
    const view = new PostgresView(this.datastore, this.definition, { schema }, guard);
    const dropSchema = `DROP SCHEMA IF EXISTS "${view.schema}" CASCADE`;
    await this.datastore.transaction(async (connection) => {
      await connection.query(`SELECT pg_advisory_xact_lock(${SCHEMA_CHANGES_LOCK})`);
      await connection.query(dropSchema);
      await view.#create(connection);
    });
    return viewRebuild(view, guard, {
      switch: () => this.#switchIn(view),
      discard: () => this.datastore.execute(dropSchema),
    });
  }

  /** Makes `rebuild`'s tables and tracking records this view's, in one transaction. */
  async #switchIn(rebuild: PostgresView<DB>): Promise<void> {
    const [live, built] = [this.trackingTable.qualified, rebuild.trackingTable.qualified];
    await this.datastore.transaction(async (connection) => {
      // The live view's turn, for every upstream application at once (see reset), and the
      // rebuild's: its pages under way commit first.
      await connection.query(`LOCK TABLE ${live}, ${built} IN ACCESS EXCLUSIVE MODE`);
      await connection.query(
        [
          // Not IF EXISTS: a live table dropped by hand fails the switch, naming it.
          ...this.#tables.map((table) => `DROP TABLE ${table}`),
          ...rebuild.#tables.map((table) => `ALTER TABLE ${table} SET SCHEMA "${this.schema}"`),
          `DELETE FROM ${live}`,
          `INSERT INTO ${live} (application_name, notification_id)
            SELECT application_name, notification_id FROM ${built}`,
          `DROP TABLE ${built}`,
          // Not CASCADE: what is left would be dropped with whatever depends on it.
          `DROP SCHEMA "${rebuild.schema}"`,
        ].join(";\n"),
      );
    });
  }

  protected get tracking(): TrackingRecorder {
    return this.#guard?.tracking(this.#tracking) ?? this.#tracking;
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
