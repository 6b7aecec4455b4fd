/**
 * The names of a SQLite view's rebuild: its tables are the definition's, renamed
 * `<table>__rebuild`, beside the live ones in the same database (SQLite has no schemas to build
 * in apart, and renames a table in a transaction). A kysely plugin renames them in every query
 * of the rebuild's sessions, and in the definition's `create` statements: the tables of the
 * definition wherever kysely knows a table (`selectFrom`, `insertInto`, references such as
 * `"counts.count"`, `sql.table()` and `sql.ref()` in raw SQL), and the indexes that kysely's
 * `createIndex` and `dropIndex` name, since index names are the database's (not a table's).
 * Raw SQL text, `sql.id()` and `sql.raw()` are not renamed.
 */
import { ProgrammingError } from "@es/persistence-core";
import {
  type CreateIndexNode,
  type CreateTableNode,
  type DropIndexNode,
  type IdentifierNode,
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type TableNode,
  type UnknownRow,
} from "kysely";

/** What a rebuild's tables and indexes are named after: `counts` is built as `counts__rebuild`. */
export const REBUILD_SUFFIX = "__rebuild";

/** A name of the live view, as its rebuild has it. */
export const rebuildName = (name: string): string => `${name}${REBUILD_SUFFIX}`;

/** Renames the tables of a view's definition (and every index kysely names) in its rebuild. */
class RebuildNames extends OperationNodeTransformer {
  readonly #viewName: string;
  readonly #tables: ReadonlySet<string>;

  constructor(viewName: string, tables: readonly string[]) {
    super();
    this.#viewName = viewName;
    this.#tables = new Set(tables);
  }

  protected override transformTable(node: TableNode): TableNode {
    const table = super.transformTable(node);
    const { identifier } = table.table;
    if (!this.#tables.has(identifier.name)) return table;
    return { ...table, table: { ...table.table, identifier: renamed(identifier) } };
  }

  /**
   * Refuses a table the definition makes but doesn't list: not renamed, the rebuild would
   * write to the live one.
   */
  protected override transformCreateTable(node: CreateTableNode): CreateTableNode {
    const table = node.table.table.identifier.name;
    if (!this.#tables.has(table)) {
      throw new ProgrammingError(
        `View '${this.#viewName}' creates table '${table}', which isn't one of its tables: list it in the definition's tables, so that a rebuild builds it apart (and reset empties it)`,
      );
    }
    return super.transformCreateTable(node);
  }

  protected override transformCreateIndex(node: CreateIndexNode): CreateIndexNode {
    const index = super.transformCreateIndex(node);
    return { ...index, name: renamed(index.name) };
  }

  protected override transformDropIndex(node: DropIndexNode): DropIndexNode {
    const index = super.transformDropIndex(node);
    return { ...index, name: { ...index.name, identifier: renamed(index.name.identifier) } };
  }
}

const renamed = (node: IdentifierNode): IdentifierNode => ({
  ...node,
  name: rebuildName(node.name),
});

/** The plugin of a rebuild's sessions: its queries name the rebuild's tables and indexes. */
export function rebuildNames(viewName: string, tables: readonly string[]): KyselyPlugin {
  const transformer = new RebuildNames(viewName, tables);
  return {
    transformQuery: ({ node, queryId }: PluginTransformQueryArgs): RootOperationNode =>
      transformer.transformNode(node, queryId),
    transformResult: async ({
      result,
    }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => result,
  };
}
