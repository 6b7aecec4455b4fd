/**
 * A projection of Worlds: how often each thing happened, as rows of a table (`things`) where
 * Counters keeps an aggregate per thing. A MultiProcessRunner runs it in a worker process of
 * its own when its `projections` option names this module and `thingCounts`; the worker and
 * the runner's process each make the view with their own instance of Worlds.
 */
import { getTopic } from "@es/domain";
import { PostgresFactory } from "@es/postgres";
import { postgresView } from "@es/postgres/view";
import type { SqliteFactory } from "@es/sqlite";
import { sqliteView, type ViewDefinition } from "@es/sqlite/view";
import type { ProjectionDefinition } from "@es/system";
import type { Kysely } from "kysely";
import { World, Worlds } from "./worlds.js";

/** The view's table, as kysely describes a database. */
export interface ThingsDB {
  things: { what: string; count: number };
}

/** The view: its table, in the application's database (SQLite) or schema (PostgreSQL). */
export const things: ViewDefinition<ThingsDB> = {
  name: "things",
  tables: ["things"],
  create: (db) => [
    db.schema
      .createTable("things")
      .ifNotExists()
      .addColumn("what", "text", (column) => column.primaryKey())
      .addColumn("count", "integer", (column) => column.notNull()),
  ],
};

/** Counts each thing that happened in a world, in the view's transaction. */
export const thingCounts: ProjectionDefinition<Kysely<ThingsDB>> = {
  application: Worlds,
  projection: {
    name: "thing-counts",
    topics: [getTopic(World.SomethingHappened)],
    async process(event, db) {
      const { what } = event as unknown as { what: string };
      await db
        .insertInto("things")
        .values({ what, count: 1 })
        .onConflict((conflict) =>
          conflict.column("what").doUpdateSet((eb) => ({ count: eb("things.count", "+", 1) })),
        )
        .execute();
    },
  },
  view: async ({ factory }) =>
    factory instanceof PostgresFactory
      ? postgresView(factory, things)
      : sqliteView(factory as SqliteFactory, things),
};
