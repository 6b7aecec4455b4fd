/**
 * @es/postgres/view — views on PostgreSQL: a projection's tables, written in one transaction
 * per page with its tracking record by a `Kysely<DB>` bound to the transaction (needs kysely).
 */
export type { ViewDefinition } from "@es/persistence-core/kysely";
export { PostgresView, type PostgresViewOptions, postgresView } from "./postgres-view.js";
