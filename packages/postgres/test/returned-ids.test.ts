/**
 * The ids a write returns, read without the rows being described (`writeIds`): the same ids
 * as an ordinary query gives, its statement prepared once per connection, and every failure a
 * rejection that leaves the connection usable.
 */
import { DataError } from "@es/persistence-core";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { Prepared } from "../src/datastore.js";
import { returnedIds } from "../src/returned-ids.js";
import { client, closedAfter, table } from "./server.js";

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
    const rows = await store.write(insert, [["e"]]);
    expect(rows).toEqual([{ id: 5, what: "e" }]);
    await store.execute(`DROP TABLE ${ids.qualified}`);
  });

  it("refuses an id beyond the safe integers, or NULL, and the connection goes on", async () => {
    const store = closedAfter({ maxConnections: 1 });
    await expect(
      store.writeIds(new Prepared("SELECT 9007199254740993::bigint"), []),
    ).rejects.toThrow(/9007199254740993 is beyond JavaScript's safe integers/);
    await expect(store.writeIds(new Prepared("SELECT NULL::bigint"), [])).rejects.toThrow(
      /returned a NULL id/,
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

  it("are read by an ordinary query on a client without the connection they are read through", async () => {
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
      const select = new Prepared("SELECT unnest($1::bigint[]) AS id");
      expect(await returnedIds(bare, select.name, select.text, [[3, 1, 2]])).toEqual([3, 1, 2]);
      expect(await returnedIds(made, select.name, select.text, [[3, 1, 2]])).toEqual([3, 1, 2]);
    } finally {
      await made.end();
    }
  });
});
