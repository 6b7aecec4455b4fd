/**
 * Prepared statements' rows read as arrays, described once per connection rather than at every
 * run (`queryArrays`, `writeIds`): the same values an ordinary query gives, each statement
 * prepared once per connection, and every failure a rejection that leaves the connection
 * usable.
 */
import { DataError } from "@es/persistence-core";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { Prepared } from "../src/datastore.js";
import { preparedRows } from "../src/prepared-rows.js";
import { client, closedAfter, table } from "./server.js";

describe("rows of prepared statements", () => {
  it("are read by their columns' types, the same on every run after the first", async () => {
    const store = closedAfter({ maxConnections: 1 });
    const values = table("values");
    await store.execute(`CREATE TABLE ${values.qualified} (n bigint, t text, b bytea, i int)`);
    await store.execute(
      `INSERT INTO ${values.qualified} VALUES (9007199254740991, 'é', '\\x00ff', 7), (NULL, NULL, NULL, NULL)`,
    );
    const select = new Prepared(`SELECT n, t, b, i FROM ${values.qualified} ORDER BY n`);
    const expected = [
      [9007199254740991, "é", Buffer.from([0, 255]), 7],
      [null, null, null, null],
    ];
    expect(await store.queryArrays(select, [])).toEqual(expected);
    expect(await store.queryArrays(select, [])).toEqual(expected);
    const rows = await store.query(select, []);
    expect(rows.map((row) => Object.values(row))).toEqual(expected);
  });

  it("fail, rather than be misread, once a table change changes their columns", async () => {
    const store = closedAfter({ maxConnections: 1 });
    const values = table("altered");
    await store.execute(`CREATE TABLE ${values.qualified} (b bytea)`);
    await store.execute(`INSERT INTO ${values.qualified} VALUES ('\\x41')`);
    const select = new Prepared(`SELECT * FROM ${values.qualified}`);
    expect(await store.queryArrays(select, [])).toEqual([[Buffer.from("A")]]);
    await store.execute(`ALTER TABLE ${values.qualified} ALTER COLUMN b TYPE text USING 'x'`);
    await expect(store.queryArrays(select, [])).rejects.toThrow(/must not change result type/);
    expect(await store.queryArrays(new Prepared("SELECT 1::bigint"), [])).toEqual([[1]]);
  });
});

describe("ids a write returns", () => {
  it("are the first column of its rows, in order, its statement prepared once per connection", async () => {
    const store = closedAfter({ maxConnections: 1 });
    const ids = table("ids");
    await store.execute(`CREATE TABLE ${ids.qualified} (id bigserial PRIMARY KEY, what text)`);
    const insert = new Prepared(
      `INSERT INTO ${ids.qualified} (what) SELECT unnest($1::text[]) RETURNING id, what`,
    );
    expect(await store.writeIds(insert, [["a"]])).toEqual([1]);
    expect(await store.writeIds(insert, [["b", "c", "d"]])).toEqual([2, 3, 4]);
    expect(await store.writeIds(insert, [[]])).toEqual([]);
    const prepared = await store.query(
      "SELECT count(*) AS n FROM pg_prepared_statements WHERE name = $1",
      [insert.name],
    );
    expect(prepared).toEqual([{ n: 1 }]);
    // An ordinary query of the same prepared statement, on the same connection, agrees.
    expect(await store.write(insert, [["e"]])).toEqual([{ id: 5, what: "e" }]);
  });

  it("refuses an id beyond the safe integers, or NULL, and the connection goes on", async () => {
    const store = closedAfter({ maxConnections: 1 });
    await expect(
      store.writeIds(new Prepared("SELECT 9007199254740993::bigint"), []),
    ).rejects.toThrow(/9007199254740993 is beyond JavaScript's safe integers/);
    await expect(store.writeIds(new Prepared("SELECT NULL::bigint"), [])).rejects.toThrow(
      /returned null as an id/,
    );
    expect(await store.writeIds(new Prepared("SELECT 7::bigint"), [])).toEqual([7]);
  });

  it("fail with the statement's error, translated, and the connection goes on", async () => {
    const store = closedAfter({ maxConnections: 1 });
    const divide = new Prepared("SELECT (1 / $1::int)::bigint");
    await expect(store.writeIds(divide, [0])).rejects.toBeInstanceOf(DataError);
    expect(await store.writeIds(divide, [1])).toEqual([1]);
    await expect(store.writeIds(new Prepared("SELEC 1"), [])).rejects.toThrow(/syntax error/);
    expect(await store.writeIds(divide, [1])).toEqual([1]);
  });
});

it("reads rows by an ordinary query on a client without the wire connection", async () => {
  const made = await client();
  try {
    // The client as a pg without the wire connection would be: every method still bound.
    const bare = new Proxy(made, {
      get: (target, key) => {
        if (key === "connection") return undefined;
        const value: unknown = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as pg.ClientBase;
    const select = new Prepared("SELECT unnest($1::int[]) AS n, 'x'::text AS t");
    const expected = [
      [3, "x"],
      [1, "x"],
    ];
    const { name, text } = select;
    expect(await preparedRows(bare, name, text, [[3, 1]], pg.types)).toEqual(expected);
    expect(await preparedRows(made, name, text, [[3, 1]], pg.types)).toEqual(expected);
  } finally {
    await made.end();
  }
});
