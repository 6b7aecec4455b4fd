/**
 * A prepared statement's rows, as arrays, read without the server describing them at every
 * execution.
 *
 * pg asks the server to describe a prepared statement's rows each time it runs it, and builds
 * its result from that description: for a one-event save this cost as much as `RETURNING`
 * itself (285 µs a save against 256 µs without the description, the same as an insert that
 * returns nothing), and a ten-row lookup took 141 µs against 97 µs without it. A prepared
 * statement's columns can't change while it stays prepared (PostgreSQL refuses to run it once
 * a table change would change them: "cached plan must not change result type"), so here each
 * connection has a statement's rows described once, the first time it runs it, and reads them
 * by the parsers of that description after: the parsers pg would use, from the same `types`.
 *
 * pg takes it through its extension point for queries (an object with `submit`, handed the
 * connection and then the server's replies, as pg-cursor is). Where a pg lacks what it uses,
 * `preparedRows` runs an ordinary query instead.
 */
import pg from "pg";

/** The messages of the wire protocol a `RowsQuery` sends, as pg's connection writes them. */
interface WireConnection {
  /** The named statements parsed on this connection (pg keeps it). */
  readonly parsedStatements: Record<string, string | undefined>;
  /** Those sent but not yet parsed (newer pg keeps it: statements pipelined). */
  readonly submittedNamedStatements?: Record<string, string | undefined>;
  readonly stream: { cork?(): void; uncork?(): void };
  parse(message: { readonly text: string; readonly name: string; readonly types: [] }): void;
  bind(message: {
    readonly portal: string;
    readonly statement: string;
    readonly values: readonly unknown[];
    readonly binary: false;
    readonly valueMapper: (value: unknown) => unknown;
  }): void;
  describe(message: { readonly type: "P"; readonly name: string }): void;
  execute(message: { readonly portal: string; readonly rows: number }): void;
  sync(): void;
}

/** How a column's text is read: the parser pg would use for its type. */
type Parser = (text: string) => unknown;

/** The type parsers a connection reads rows with (pg's, or a pool's `types`). */
export interface TypeParsers {
  getTypeParser(oid: number, format: "text"): Parser;
}

/** pg's conversion of a parameter to what the protocol sends (arrays, dates, buffers…). */
type PrepareValue = (value: unknown) => unknown;

const prepareValue = (pg as unknown as { utils?: { prepareValue?: PrepareValue } }).utils
  ?.prepareValue;

/**
 * A pg client, as far as `preparedRows` uses it (declared here, so that pg's own types stay out
 * of this package's declarations).
 */
export interface QueryClient {
  /** pg's query of a statement, its rows as arrays. */
  query(config: {
    readonly name: string;
    readonly text: string;
    readonly values: unknown[];
    readonly rowMode: "array";
  }): Promise<{ readonly rows: unknown[] }>;
}

/** The wire connection of a pg client, if it has all that a `RowsQuery` uses. */
function wireOf(client: QueryClient): WireConnection | undefined {
  const connection = (client as unknown as { connection?: Partial<WireConnection> }).connection;
  if (
    typeof prepareValue !== "function" ||
    typeof connection?.parsedStatements !== "object" ||
    typeof connection.parse !== "function" ||
    typeof connection.bind !== "function" ||
    typeof connection.describe !== "function" ||
    typeof connection.execute !== "function" ||
    typeof connection.sync !== "function"
  ) {
    return undefined;
  }
  return connection as WireConnection;
}

/** Each connection's statements whose rows it has had described: their columns' parsers. */
const described = new WeakMap<WireConnection, Map<string, readonly Parser[]>>();

type Callback = (error: Error | null, rows?: unknown[][]) => void;

/** A prepared statement run for its rows as arrays (pg's extension point for queries). */
class RowsQuery {
  /** Set by the caller before pg is given the query. */
  callback: Callback | undefined;
  /**
   * The statement's name and text, under the names pg's client reads: it records a statement
   * as parsed on the connection once the server has parsed it, as for its own queries.
   */
  readonly name: string;
  readonly text: string;
  readonly #values: readonly unknown[];
  readonly #types: TypeParsers;
  readonly #rows: unknown[][] = [];
  #parsers: readonly Parser[] | undefined;
  /** Keeps the parsers of the description asked for, for the connection's next runs. */
  #keep: ((parsers: readonly Parser[]) => void) | undefined;
  #failure: Error | undefined;

  constructor(name: string, text: string, values: readonly unknown[], types: TypeParsers) {
    this.name = name;
    this.text = text;
    this.#values = values;
    this.#types = types;
  }

  submit(connection: WireConnection): null {
    const { name, text } = this;
    const submitted = connection.submittedNamedStatements;
    let parsers = described.get(connection);
    if (parsers === undefined) {
      parsers = new Map();
      described.set(connection, parsers);
    }
    // The messages go out in one write, as pg sends its own.
    connection.stream.cork?.();
    try {
      if (connection.parsedStatements[name] === undefined && submitted?.[name] === undefined) {
        connection.parse({ text, name, types: [] });
        if (submitted) submitted[name] = text;
        parsers.delete(name);
      }
      connection.bind({
        portal: "",
        statement: name,
        values: this.#values,
        binary: false,
        valueMapper: prepareValue as PrepareValue,
      });
      this.#parsers = parsers.get(name);
      if (this.#parsers === undefined) {
        connection.describe({ type: "P", name: "" });
        this.#keep = (columns) => parsers.set(name, columns);
      }
      connection.execute({ portal: "", rows: 0 });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(message: { readonly fields: readonly { readonly dataTypeID: number }[] }) {
    const parsers = message.fields.map((field) =>
      this.#types.getTypeParser(field.dataTypeID, "text"),
    );
    this.#parsers = parsers;
    this.#keep?.(parsers);
  }

  handleDataRow(message: { readonly fields: readonly (string | null)[] }): void {
    if (this.#failure) return;
    const parsers = this.#parsers ?? [];
    const { fields } = message;
    const row: unknown[] = new Array(fields.length);
    try {
      for (let i = 0; i < fields.length; i++) {
        const text = fields[i] as string | null;
        const parse = parsers[i];
        row[i] = text === null || parse === undefined ? text : parse(text);
      }
      this.#rows.push(row);
    } catch (error) {
      this.#failure = error as Error;
    }
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}

  handleError(error: Error): void {
    this.#settle(error);
  }

  handleReadyForQuery(): void {
    this.#settle(this.#failure ?? null, this.#rows);
  }

  #settle(error: Error | null, rows?: unknown[][]): void {
    const callback = this.callback;
    this.callback = undefined;
    callback?.(error, rows);
  }
}

/**
 * Runs a prepared statement (`name`, `text`) with `values` on the client, resolving to its
 * rows as arrays of their columns' values, read by `types` (those of the client's pool).
 */
export function preparedRows(
  client: QueryClient,
  name: string,
  text: string,
  values: readonly unknown[],
  types: TypeParsers,
): Promise<unknown[][]> {
  if (wireOf(client) === undefined) {
    return client
      .query({ name, text, values: values as unknown[], rowMode: "array" })
      .then(({ rows }) => rows as unknown[][]);
  }
  return new Promise((resolve, reject) => {
    const query = new RowsQuery(name, text, values, types);
    query.callback = (error, rows) => (error ? reject(error) : resolve(rows ?? []));
    // pg's extension point: a query with `submit` is handed the connection (see the top).
    (client.query as unknown as (submittable: RowsQuery) => unknown).call(client, query);
  });
}
