/**
 * A view on an SQL store, defined once and typed by a kysely schema interface, so that the same
 * definition makes a view on SQLite (`@es/sqlite/view`) and on PostgreSQL (`@es/postgres/view`):
 * its name, its tables, and how to create them. Kysely is imported for its types alone, so this
 * package needs it only where views are used.
 */
import type { Compilable, CompiledQuery, Kysely } from "kysely";
import { identifier } from "../sql/identifiers.js";

/**
 * What an SQL view is: a name (its tracking table is `<name>_tracking`), the tables it writes
 * (emptied by `reset`), and the statements that create them if they don't exist.
 *
 * @typeParam DB - the view's tables as kysely describes a database: an interface from each
 *   table's name to its columns' types.
 * @example
 * ```ts
 * interface CountsDB {
 *   counts: { originator_id: string; count: number };
 * }
 * const counts: ViewDefinition<CountsDB> = {
 *   name: "counts",
 *   tables: ["counts"],
 *   create: (db) => [
 *     db.schema
 *       .createTable("counts")
 *       .ifNotExists()
 *       .addColumn("originator_id", "text", (column) => column.primaryKey())
 *       .addColumn("count", "integer", (column) => column.notNull())
 *   ],
 * };
 * ```
 */
export interface ViewDefinition<DB> {
  /** The view's name: a plain identifier, which names its tracking table `<name>_tracking`. */
  readonly name: string;
  /** The view's tables, which `reset` empties. */
  readonly tables: readonly (keyof DB & string)[];
  /**
   * The statements that create the view's tables, indexes and so on if they don't exist (so
   * each says `ifNotExists()`, or `IF NOT EXISTS`): built with `db.schema`, or raw SQL compiled
   * with `db` (`` sql`CREATE VIRTUAL TABLE IF NOT EXISTS ${sql.table("docs")} USING fts5(body)`.compile(db) ``),
   * run in one transaction. Name the view's tables in raw SQL with `sql.table()`, so that a
   * rebuild's `db`, which builds its tables apart, names its own.
   */
  create(db: Kysely<DB>): readonly (Compilable | CompiledQuery)[];
}

/**
 * Checks a definition's names before they reach any SQL: the view's name and its tables' are
 * plain identifiers (a table's name is kept as written, as kysely quotes it).
 *
 * @returns the definition's tables' names.
 * @throws ProgrammingError naming the first name that isn't one.
 */
export function checkDefinition<DB>(definition: ViewDefinition<DB>): readonly string[] {
  identifier(definition.name, "view name");
  for (const table of definition.tables) {
    identifier(table, `table name of view '${definition.name}'`);
  }
  return definition.tables;
}
