/**
 * The session of a SQLite view's transaction: a `Kysely<DB>` whose queries run on the
 * datastore's one connection, in the transaction, at once (better-sqlite3 is synchronous), so a
 * body that awaits them settles within microtasks. Statements are prepared once per view and
 * kept by their text (the most recently used, up to a limit, since queries with lists of
 * varying length have texts without end). A rebuild's sessions carry the plugin that renames
 * the view's tables to the rebuild's.
 */
import { ProgrammingError } from "@es/persistence-core";
import { sessionDialect } from "@es/persistence-core/kysely";
import {
  type CompiledQuery,
  Kysely,
  type KyselyPlugin,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";
import type { PreparedStatement, SqliteDatastore, SqliteTransaction } from "../datastore.js";

/** Statements kept per view: enough for any projection's fixed queries. */
const KEPT = 256;

/** A view's prepared statements, by their text, the most recently used last. */
export class SessionStatements {
  readonly #datastore: SqliteDatastore;
  readonly #prepared = new Map<string, PreparedStatement>();
  readonly #plugins: KyselyPlugin[];

  constructor(datastore: SqliteDatastore, plugins: readonly KyselyPlugin[] = []) {
    this.#datastore = datastore;
    this.#plugins = [...plugins];
  }

  /** A session whose queries run in `transaction`, and are refused once it has ended. */
  session<DB>(transaction: SqliteTransaction): Kysely<DB> {
    const execute = async (query: CompiledQuery) => transaction.run(() => this.#execute(query));
    return new Kysely<DB>({ dialect: this.#dialect(execute), plugins: this.#plugins });
  }

  /**
   * A session whose queries read, each when the connection is free of a transaction, and
   * which refuses a query that would write.
   */
  reader<DB>(): Kysely<DB> {
    const execute = async (query: CompiledQuery) => {
      const statement = this.#statement(query.sql);
      if (!statement.reader) {
        throw new ProgrammingError(`A view's reads can't write: ${query.sql}`);
      }
      return this.#datastore.whenFree(() =>
        this.#datastore.read(() => ({ rows: statement.all(...query.parameters) })),
      );
    };
    return new Kysely<DB>({ dialect: this.#dialect(execute), plugins: this.#plugins });
  }

  #dialect(execute: (query: CompiledQuery) => Promise<QueryResult<unknown>>) {
    return sessionDialect(execute, {
      createAdapter: () => new SqliteAdapter(),
      createQueryCompiler: () => new SqliteQueryCompiler(),
      createIntrospector: (db) => new SqliteIntrospector(db),
    });
  }

  #execute({ sql, parameters }: CompiledQuery): QueryResult<unknown> {
    const statement = this.#statement(sql);
    if (statement.reader) return { rows: statement.all(...parameters) };
    const { changes, lastInsertRowid } = statement.run(...parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  #statement(sql: string): PreparedStatement {
    let statement = this.#prepared.get(sql);
    if (statement === undefined) {
      statement = this.#datastore.prepare(sql);
      const oldest = this.#prepared.keys().next();
      if (this.#prepared.size >= KEPT && !oldest.done) this.#prepared.delete(oldest.value);
    } else {
      this.#prepared.delete(sql); // moved to the end: the most recently used
    }
    this.#prepared.set(sql, statement);
    return statement;
  }
}
