/**
 * Views on SQLite: a projection's own tables and its tracking table (`<name>_tracking`) in one
 * database, written in one transaction per page by a `Kysely<DB>` bound to it. The transaction
 * is the datastore's (`SqliteDatastore.transaction`): BEGIN IMMEDIATE, so the check of the
 * page against the tracking records sees the latest commit of any process, and the page commits
 * with its tracking record or not at all.
 */
import { type Page, type TrackingRecorder, tracking, type View } from "@es/persistence-core";
import { checkDefinition, type ViewDefinition } from "@es/persistence-core/kysely";
import { checkPage, pageRefused, tableName, withTracking } from "@es/persistence-core/sql";
import type { Kysely } from "kysely";
import type { SqliteDatastore } from "../datastore.js";
import { SqliteFactory } from "../factory.js";
import { SqliteTrackingRecorder } from "../recorders.js";
import { quoted } from "../schema.js";
import { SessionStatements } from "./session.js";

/**
 * A view on SQLite: the tables of its definition and its tracking table `<name>_tracking`, in
 * the datastore's database (the application's own, or another). Each transaction's body gets a
 * `Kysely<DB>` bound to the transaction, and may await only that session's queries: they run at
 * once, so the write lock is held only while the body runs (a body that awaits anything else
 * is rolled back, with a `ProgrammingError`). Made by `sqliteView`.
 *
 * @example
 * ```ts
 * const view = new SqliteView(datastore, counts);
 * await view.createTable();
 * await view.transaction({ applicationName: "Worlds", first: 1, last: 1 }, async (db) => {
 *   await db.insertInto("counts").values({ originator_id: id, count: 1 }).execute();
 * });
 * ```
 */
export class SqliteView<DB> extends withTracking(Object) implements View<Kysely<DB>> {
  /** The view's name. */
  readonly name: string;
  /** The connection the view's transactions run on. */
  readonly datastore: SqliteDatastore;
  /** The view's tables and how they are made. */
  readonly definition: ViewDefinition<DB>;
  /** The table of the view's tracking records: `<name>_tracking`. */
  readonly trackingTable: string;
  readonly #tables: readonly string[];
  readonly #tracking: SqliteTrackingRecorder;
  readonly #statements: SessionStatements;
  #reader: Kysely<DB> | undefined;

  /** @throws ProgrammingError naming the view's name or a table's that isn't a plain identifier. */
  constructor(datastore: SqliteDatastore, definition: ViewDefinition<DB>) {
    super();
    this.#tables = checkDefinition(definition);
    this.name = definition.name;
    this.datastore = datastore;
    this.definition = definition;
    this.trackingTable = tableName(definition.name, "tracking");
    this.#tracking = new SqliteTrackingRecorder(datastore, this.trackingTable);
    this.#statements = new SessionStatements(datastore);
  }

  /** Creates the tracking table and the definition's tables, if they don't exist. */
  async createTable(): Promise<void> {
    await this.datastore.transaction(async (transaction) => {
      transaction.run(() => {
        for (const statement of this.#tracking.createTableStatements()) {
          this.datastore.prepare(statement).run();
        }
      });
      const db = this.#statements.session<DB>(transaction);
      for (const statement of this.definition.create(db)) await db.executeQuery(statement);
    });
  }

  /** Empties the definition's tables and the tracking table, in one transaction. */
  async reset(): Promise<void> {
    await this.datastore.whenFree(() =>
      this.datastore.write(() => {
        for (const table of [...this.#tables, this.trackingTable]) {
          this.datastore.prepare(`DELETE FROM ${quoted(table)}`).run();
        }
      }),
    );
  }

  async transaction<T>(page: Page, body: (session: Kysely<DB>) => Promise<T>): Promise<T> {
    checkPage(this.name, page);
    return this.datastore.transaction(async (transaction) => {
      const tracked = transaction.run(() => this.#tracking.readMaxTrackingId(page.applicationName));
      if (tracked >= page.first) throw pageRefused(this.name, page, tracked);
      const result = await body(this.#statements.session<DB>(transaction));
      transaction.run(() => this.#tracking.record(tracking(page.applicationName, page.last)));
      return result;
    });
  }

  /**
   * Reads the view: runs `body` with a `Kysely<DB>` whose queries read the view's database,
   * each at once (between view transactions, never inside one). Each query sees the last
   * commit; several queries may see different ones (each is its own snapshot).
   *
   * @example
   * ```ts
   * const rows = await view.read((db) => db.selectFrom("counts").selectAll().execute());
   * ```
   * @returns what `body` returns.
   * @throws ProgrammingError for a query that would write, and whatever `body` throws.
   */
  read<T>(body: (session: Kysely<DB>) => Promise<T>): Promise<T> {
    this.#reader ??= this.#statements.reader<DB>();
    return body(this.#reader);
  }

  protected get tracking(): TrackingRecorder {
    return this.#tracking;
  }
}

/**
 * A view on SQLite, on the database of an application's factory (`app.factory`, its tables
 * beside the application's) or of a datastore, its tables created if they don't exist (unless
 * the factory's `createTable` is false).
 *
 * @example
 * ```ts
 * const view = await sqliteView(app.factory as SqliteFactory, counts);
 * ```
 * @throws ProgrammingError naming the view's name or a table's that isn't a plain identifier.
 */
export async function sqliteView<DB>(
  from: SqliteFactory | SqliteDatastore,
  definition: ViewDefinition<DB>,
): Promise<SqliteView<DB>> {
  const [datastore, createTable] =
    from instanceof SqliteFactory ? [from.datastore, from.options.createTable] : [from, true];
  const view = new SqliteView(datastore, definition);
  if (createTable) await view.createTable();
  return view;
}
