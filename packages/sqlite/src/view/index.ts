/**
 * @es/sqlite/view — views on SQLite: a projection's tables, written in one transaction per page
 * with its tracking record by a `Kysely<DB>` bound to the transaction (needs kysely).
 */
export type { ViewDefinition } from "@es/persistence-core/kysely";
export { SqliteView, sqliteView } from "./sqlite-view.js";
