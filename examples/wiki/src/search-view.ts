/**
 * The wiki's search index: a read model of its pages (name, body, author) kept by a projection,
 * searched by words. On SQLite the words are indexed by an FTS5 table beside the pages; on
 * PostgreSQL by a `tsvector` column the database computes from the name and body, under a GIN
 * index. The projection writes the same `pages` rows on both; on SQLite it also writes the FTS5
 * rows of the pages it changes, in the same transaction.
 */
import { type DomainEvent, getTopic } from "@es/domain";
import type { ViewDefinition } from "@es/persistence-core/kysely";
import type { Projection } from "@es/system";
import { type Generated, type Kysely, sql } from "kysely";
import { Page } from "./domain-model.js";

/** The search index's tables, as kysely sees them. */
export interface SearchDB {
  pages: {
    id: Generated<number>;
    page_id: string;
    name: string;
    body: string;
    author: string;
  };
  /** SQLite only: the FTS5 index of `pages`, a row per page (its rowid the page's `id`). */
  page_words: { rowid: number; name: string; body: string };
}

/** Which SQL the index is kept in. */
export type Dialect = "sqlite" | "postgres";

/** The search index's tables and indexes, on SQLite or PostgreSQL. */
export function searchView(dialect: Dialect): ViewDefinition<SearchDB> {
  return {
    name: "wiki_search",
    tables: dialect === "sqlite" ? ["pages", "page_words"] : ["pages"],
    create: (db) =>
      dialect === "sqlite"
        ? [
            db.schema
              .createTable("pages")
              .ifNotExists()
              .addColumn("id", "integer", (column) => column.primaryKey())
              .addColumn("page_id", "text", (column) => column.notNull().unique())
              .addColumn("name", "text", (column) => column.notNull())
              .addColumn("body", "text", (column) => column.notNull())
              .addColumn("author", "text", (column) => column.notNull()),
            raw(
              db,
              sql`CREATE VIRTUAL TABLE IF NOT EXISTS ${sql.table("page_words")} USING fts5(name, body)`,
            ),
          ]
        : [
            db.schema
              .createTable("pages")
              .ifNotExists()
              .addColumn("id", "serial", (column) => column.primaryKey())
              .addColumn("page_id", "text", (column) => column.notNull().unique())
              .addColumn("name", "text", (column) => column.notNull())
              .addColumn("body", "text", (column) => column.notNull())
              .addColumn("author", "text", (column) => column.notNull())
              .addColumn("words", sql`tsvector`, (column) =>
                column.generatedAlwaysAs(sql`to_tsvector('english', name || ' ' || body)`).stored(),
              ),
            db.schema
              .createIndex("pages_words_idx")
              .ifNotExists()
              .on("pages")
              .using("gin")
              .column("words"),
          ],
  };
}

/** A raw statement as the view's `create` takes it: compiled by the view's own session. */
const raw = (db: Kysely<SearchDB>, statement: ReturnType<typeof sql>) => ({
  compile: () => statement.compile(db),
});

type Created = { name: string; body: string; author: string };

/** The projection that keeps the search index: each page created, renamed or edited. */
export function searchProjection(dialect: Dialect): Projection<Kysely<SearchDB>> {
  return {
    name: "wiki-search",
    topics: [getTopic(Page.Created), getTopic(Page.NameUpdated), getTopic(Page.BodyUpdated)],
    async process(event: DomainEvent, db: Kysely<SearchDB>) {
      const page_id = event.originatorId;
      if (event instanceof Page.Created) {
        const { name, body, author } = event as unknown as Created;
        await db.insertInto("pages").values({ page_id, name, body, author }).execute();
      } else if (event instanceof Page.NameUpdated) {
        const { name } = event as unknown as { name: string };
        await db.updateTable("pages").set({ name }).where("page_id", "=", page_id).execute();
      } else if (event instanceof Page.BodyUpdated) {
        const { body } = event as unknown as { body: string };
        await db.updateTable("pages").set({ body }).where("page_id", "=", page_id).execute();
      }
      if (dialect === "sqlite") await reindex(db, page_id);
    },
  };
}

/** Replaces a page's FTS5 row with its name and body as they are now. */
async function reindex(db: Kysely<SearchDB>, pageId: string): Promise<void> {
  const page = await db
    .selectFrom("pages")
    .select(["id", "name", "body"])
    .where("page_id", "=", pageId)
    .executeTakeFirstOrThrow();
  await db.deleteFrom("page_words").where("rowid", "=", page.id).execute();
  await db
    .insertInto("page_words")
    .values({ rowid: page.id, name: page.name, body: page.body })
    .execute();
}

/** The names of the pages that match `words`, best first. */
export async function search(
  db: Kysely<SearchDB>,
  dialect: Dialect,
  words: string,
): Promise<string[]> {
  if (dialect === "sqlite") {
    // Words as FTS5 strings: what the user typed can't be read as FTS5's query syntax.
    const query = words
      .split(/\s+/)
      .filter(Boolean)
      .map((word) => `"${word.replaceAll('"', '""')}"`)
      .join(" ");
    if (query === "") return [];
    const rows = await sql<{ name: string }>`
      SELECT pages.name FROM page_words JOIN pages ON pages.id = page_words.rowid
      WHERE page_words MATCH ${query} ORDER BY rank, pages.name`.execute(db);
    return rows.rows.map((row) => row.name);
  }
  const rows = await sql<{ name: string }>`
    SELECT name FROM pages WHERE words @@ websearch_to_tsquery('english', ${words})
    ORDER BY ts_rank(words, websearch_to_tsquery('english', ${words})) DESC, name`.execute(db);
  return rows.rows.map((row) => row.name);
}
