/**
 * Views on SQLite: a projection's own tables and its tracking table (`<name>_tracking`) in one
 * database, written in one transaction per page by a `Kysely<DB>` bound to it. The transaction
 * is the datastore's (`SqliteDatastore.transaction`): BEGIN IMMEDIATE, so the check of the
 * page against the tracking records sees the latest commit of any process, and the page commits
 * with its tracking record or not at all.
 *
 * A rebuild is built in the same database, in the definition's tables renamed `<table>__rebuild`
 * (see rebuild-names.ts), and switched in by one write transaction that drops the live tables
 * and renames the rebuild's: readers on other connections see the old tables until it commits.
 */
import {
  type Page,
  type TrackingRecorder,
  tracking,
  type View,
  type ViewRebuild,
} from "@es/persistence-core";
import { checkDefinition, type ViewDefinition } from "@es/persistence-core/kysely";
import {
  beginRebuild,
  checkPage,
  pageRefused,
  type RebuildGuard,
  tableName,
  viewRebuild,
  withTracking,
} from "@es/persistence-core/sql";
import type { Kysely } from "kysely";
import type { SqliteDatastore, SqliteTransaction } from "../datastore.js";
import { SqliteFactory } from "../factory.js";
import { SqliteTrackingRecorder } from "../recorders.js";
import { quoted } from "../schema.js";
import { rebuildName, rebuildNames } from "./rebuild-names.js";
import { SessionStatements } from "./session.js";

/**
 * A view on SQLite: the tables of its definition and its tracking table `<name>_tracking`, in
 * the datastore's database (the application's own, or another). Each transaction's body gets a
 * `Kysely<DB>` bound to the transaction, and may await only that session's queries: they run at
 * once, so the write lock is held only while the body runs (a body that awaits anything else
 * is rolled back, with a `ProgrammingError`). Made by `sqliteView`.
 *
 * Its rebuild (`rebuild()`) is a `SqliteView` whose tables are the definition's renamed
 * `<table>__rebuild` (`tableName` gives them), as are the indexes that kysely's `createIndex`
 * names; its sessions rename the definition's tables wherever kysely knows them as tables — in
 * raw SQL, name them with `sql.table("counts")`, which is renamed, not as text, which isn't.
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
  /**
   * The table of the view's tracking records: `<name>_tracking` (in a rebuild's view,
   * `<name>_tracking__rebuild`).
   */
  readonly trackingTable: string;
  /** The definition's tables, as the database names them (renamed in a rebuild's view). */
  readonly #tables: readonly string[];
  readonly #tracking: SqliteTrackingRecorder;
  readonly #statements: SessionStatements;
  #reader: Kysely<DB> | undefined;
  /** Given, this view is a rebuild's, usable while the rebuild is under way. */
  readonly #guard: RebuildGuard | undefined;
  /** The guard of this view's latest rebuild, which a later one replaces. */
  #rebuilding: RebuildGuard | undefined;

  /**
   * @param guard - given (by `rebuild()`), the view is a rebuild's: its tables are the
   *   definition's renamed `<table>__rebuild`, and it is refused once the rebuild has ended.
   * @throws ProgrammingError naming the view's name or a table's that isn't a plain identifier.
   */
  constructor(datastore: SqliteDatastore, definition: ViewDefinition<DB>, guard?: RebuildGuard) {
    super();
    const tables = checkDefinition(definition);
    const named = guard === undefined ? (table: string) => table : rebuildName;
    this.name = definition.name;
    this.datastore = datastore;
    this.definition = definition;
    this.trackingTable = named(tableName(definition.name, "tracking"));
    this.#tables = tables.map(named);
    this.#tracking = new SqliteTrackingRecorder(datastore, this.trackingTable);
    this.#statements = new SessionStatements(
      datastore,
      guard === undefined ? [] : [rebuildNames(definition.name, tables)],
    );
    this.#guard = guard;
  }

  /**
   * The name in the database of a table of the definition: the name itself, or in a rebuild's
   * view `<table>__rebuild`. (Readers of the view name its tables as the definition does.)
   */
  tableName(table: keyof DB & string): string {
    this.#guard?.check();
    return this.#tables[this.definition.tables.indexOf(table)] ?? table;
  }

  /** Creates the tracking table and the definition's tables, if they don't exist. */
  async createTable(): Promise<void> {
    this.#guard?.check();
    await this.datastore.transaction((transaction) => this.#create(transaction));
  }

  /** Empties the definition's tables and the tracking table, in one transaction. */
  async reset(): Promise<void> {
    this.#guard?.check();
    await this.datastore.whenFree(() =>
      this.datastore.write(() => {
        for (const table of [...this.#tables, this.trackingTable]) {
          this.datastore.prepare(`DELETE FROM ${quoted(table)}`).run();
        }
      }),
    );
  }

  async transaction<T>(page: Page, body: (session: Kysely<DB>) => Promise<T>): Promise<T> {
    this.#guard?.check();
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

  /**
   * A rebuild: the definition's tables renamed `<table>__rebuild` and a tracking table
   * `<name>_tracking__rebuild`, made empty (dropping any an earlier rebuild left) in one
   * transaction. Its switch, in one write transaction (which other connections' writers wait
   * for, and whose readers see the old tables until it commits): drops the live tables, renames
   * the rebuild's to theirs, drops the rebuild's indexes and makes them again under their own
   * names (SQLite can't rename an index) by running the definition's `create` statements, and
   * replaces the live tracking records with the rebuild's.
   */
  async rebuild(): Promise<ViewRebuild<Kysely<DB>, SqliteView<DB>>> {
    const guard = beginRebuild(this.name, this.#guard, this.#rebuilding);
    this.#rebuilding = guard;
    const view = new SqliteView(this.datastore, this.definition, guard);
    await this.datastore.transaction(async (transaction) => {
      transaction.run(() => view.#drop());
      await view.#create(transaction);
    });
    return viewRebuild(view, guard, {
      switch: () => this.#switchIn(view),
      discard: async () => {
        await this.datastore.whenFree(() => this.datastore.write(() => view.#drop()));
      },
    });
  }

  /** Creates the tracking table and the definition's tables, if they don't exist. */
  async #create(transaction: SqliteTransaction): Promise<void> {
    transaction.run(() => {
      for (const statement of this.#tracking.createTableStatements()) {
        this.datastore.prepare(statement).run();
      }
    });
    const db = this.#statements.session<DB>(transaction);
    for (const statement of this.definition.create(db)) await db.executeQuery(statement);
  }

  /** Drops the view's tables, if they exist, in the write transaction under way. */
  #drop(): void {
    for (const table of [...this.#tables, this.trackingTable]) {
      this.datastore.prepare(`DROP TABLE IF EXISTS ${quoted(table)}`).run();
    }
  }

  /** Makes `rebuild`'s tables and tracking records this view's, in one write transaction. */
  async #switchIn(rebuild: SqliteView<DB>): Promise<void> {
    await this.datastore.transaction(async (transaction) => {
      transaction.run(() => {
        const run = (statement: string) => this.datastore.prepare(statement).run();
        // Not IF EXISTS: a live table dropped by hand fails the switch, naming it.
        for (const table of this.#tables) run(`DROP TABLE ${quoted(table)}`);
        for (const table of this.#tables) {
          run(`ALTER TABLE ${quoted(rebuildName(table))} RENAME TO ${quoted(table)}`);
        }
        // Their indexes are all the rebuild's (the live ones went with the live tables), named
        // `<index>__rebuild`: dropped, and made again under their own names by `create` below.
        const indexes = this.datastore
          .prepare(
            `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${this.#tables.map(() => "?").join(", ")})`,
          )
          .all(...this.#tables) as { name: string }[];
        for (const { name } of indexes) run(`DROP INDEX "${name.replaceAll('"', '""')}"`);
        run(`DELETE FROM ${quoted(this.trackingTable)}`);
        run(
          `INSERT INTO ${quoted(this.trackingTable)} (application_name, notification_id)
            SELECT application_name, notification_id FROM ${quoted(rebuild.trackingTable)}`,
        );
        run(`DROP TABLE ${quoted(rebuild.trackingTable)}`);
      });
      // The tables exist (IF NOT EXISTS does nothing to them): this makes their indexes.
      const db = this.#statements.session<DB>(transaction);
      for (const statement of this.definition.create(db)) await db.executeQuery(statement);
    });
  }

  protected get tracking(): TrackingRecorder {
    return this.#guard?.tracking(this.#tracking) ?? this.#tracking;
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
