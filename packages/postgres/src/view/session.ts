/**
 * The session of a PostgreSQL view's transaction: a `Kysely<DB>` whose queries run on the one
 * pool connection of the transaction, with pg's errors translated into the library's (so a
 * body sees, and may catch, an `IntegrityError`), and which is refused once the transaction
 * has ended.
 */
import { sessionDialect } from "@es/persistence-core/kysely";
import {
  type CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from "kysely";
import type { Connection } from "../datastore.js";
import { translateError } from "../errors.js";

/** The commands whose row count is the rows they changed (as kysely's own pg driver has it). */
const CHANGING = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

/** A session whose queries run on `connection`, in its transaction. */
export function session<DB>(connection: Connection): Kysely<DB> {
  const execute = async ({ sql, parameters }: CompiledQuery): Promise<QueryResult<unknown>> => {
    try {
      const { rows, command, rowCount } = await connection.execute(sql, parameters);
      return CHANGING.has(command) && rowCount !== null
        ? { rows, numAffectedRows: BigInt(rowCount) }
        : { rows };
    } catch (error) {
      throw translateError(error);
    }
  };
  return new Kysely<DB>({
    dialect: sessionDialect(execute, {
      createAdapter: () => new PostgresAdapter(),
      createQueryCompiler: () => new PostgresQueryCompiler(),
      createIntrospector: (db) => new PostgresIntrospector(db),
    }),
  });
}
