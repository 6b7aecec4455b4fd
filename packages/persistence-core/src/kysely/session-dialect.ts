/**
 * The kysely dialect of a view's session: a `Kysely<DB>` whose every query runs on the one
 * connection of the view's transaction. Its driver never begins, commits or rolls back — the
 * view does, around the body it gives the session to — and each adapter gives the query
 * compiler, adapter and introspector of its dialect, and how a compiled query runs. Kysely is
 * imported for its types alone.
 */
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from "kysely";
import { NotSupportedError } from "../errors.js";

/** How a session runs a compiled query on its transaction's connection. */
export type ExecuteQuery = (query: CompiledQuery) => Promise<QueryResult<unknown>>;

/** What a session's dialect takes from the store's own kysely dialect. */
export type DialectParts = Pick<
  Dialect,
  "createAdapter" | "createQueryCompiler" | "createIntrospector"
>;

/**
 * A dialect whose queries run by `execute`, on the view's transaction's connection, and whose
 * transactions are the view's: `session.transaction()` runs its callback in the view's
 * transaction (its begin and commit do nothing), so what the callback writes commits with the
 * page, and an error it throws fails the page if it propagates.
 *
 * @param execute - runs a query on the transaction's connection, with driver errors translated
 *   into the library's.
 * @param parts - the store's query compiler, adapter and introspector (kysely's).
 */
export function sessionDialect(execute: ExecuteQuery, parts: DialectParts): Dialect {
  const driver = new SessionDriver(new SessionConnection(execute));
  return {
    createDriver: () => driver,
    createAdapter: () => parts.createAdapter(),
    createQueryCompiler: () => parts.createQueryCompiler(),
    createIntrospector: (db) => parts.createIntrospector(db),
  };
}

/** The one connection of a view's transaction. */
class SessionConnection implements DatabaseConnection {
  readonly #execute: ExecuteQuery;

  constructor(execute: ExecuteQuery) {
    this.#execute = execute;
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.#execute(query) as Promise<QueryResult<R>>;
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new NotSupportedError("A view's session doesn't stream query results; use execute()");
  }
}

/** Gives the transaction's connection to every query; the view manages the transaction. */
class SessionDriver implements Driver {
  readonly #connection: SessionConnection;

  constructor(connection: SessionConnection) {
    this.#connection = connection;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection;
  }

  // The view's transaction is open already, and the view commits or rolls it back.
  async beginTransaction(): Promise<void> {}
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {}
}
