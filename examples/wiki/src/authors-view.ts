/**
 * A summary of the wiki: how many pages each author has created, kept by a projection of its
 * own (a view of its own, with its own tracking), the same on SQLite and PostgreSQL.
 */
import { type DomainEvent, getTopic } from "@es/domain";
import type { ViewDefinition } from "@es/persistence-core/kysely";
import type { Projection } from "@es/system";
import type { Kysely } from "kysely";
import { Page } from "./domain-model.js";

/** The summary's table, as kysely sees it. */
export interface AuthorsDB {
  authors: { author: string; pages: number };
}

/** The summary's table. */
export const authorsView: ViewDefinition<AuthorsDB> = {
  name: "wiki_authors",
  tables: ["authors"],
  create: (db) => [
    db.schema
      .createTable("authors")
      .ifNotExists()
      .addColumn("author", "text", (column) => column.primaryKey())
      .addColumn("pages", "integer", (column) => column.notNull()),
  ],
};

/** Counts the pages created by each author. */
export const authorsProjection: Projection<Kysely<AuthorsDB>> = {
  name: "wiki-authors",
  topics: [getTopic(Page.Created)],
  async process(event: DomainEvent, db: Kysely<AuthorsDB>) {
    const { author } = event as unknown as { author: string };
    await db
      .insertInto("authors")
      .values({ author, pages: 1 })
      .onConflict((conflict) =>
        conflict.column("author").doUpdateSet((eb) => ({ pages: eb("authors.pages", "+", 1) })),
      )
      .execute();
  },
};
