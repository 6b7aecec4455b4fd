/**
 * @es/persistence-core/kysely — what the SQL adapters' views share, typed by kysely (which is
 * needed only where views are used): the definition of a view, and the dialect of the session a
 * view's transaction gives its body. Application code imports these from the adapter's view
 * subpath (`@es/sqlite/view`, `@es/postgres/view`).
 */

export {
  type DialectParts,
  type ExecuteQuery,
  sessionDialect,
} from "./session-dialect.js";
export { checkDefinition, type ViewDefinition } from "./view-definition.js";
