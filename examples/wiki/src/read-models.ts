/**
 * The wiki's read models, kept beside its events in the same store (a SQLite file, or a
 * PostgreSQL schema): the search index and the authors' summary, each a view kept by a
 * projection runner in this process. Commands that must be searchable at once wait for them
 * (`waitFor` with the ids `save()` returned).
 */
import type { View } from "@es/persistence-core";
import type { ViewDefinition } from "@es/persistence-core/kysely";
import { PostgresFactory } from "@es/postgres";
import { postgresView } from "@es/postgres/view";
import { SqliteFactory } from "@es/sqlite";
import { sqliteView } from "@es/sqlite/view";
import { type Projection, type ProjectionProgress, ProjectionRunner } from "@es/system";
import type { Kysely } from "kysely";
import type { Wiki } from "./application.js";
import { type AuthorsDB, authorsProjection, authorsView } from "./authors-view.js";
import {
  type Dialect,
  type SearchDB,
  search,
  searchProjection,
  searchView,
} from "./search-view.js";

/** A view that can be read with kysely: what both SQL stores' views are. */
type ReadableView<DB> = View<Kysely<DB>> & {
  read<T>(body: (db: Kysely<DB>) => Promise<T>): Promise<T>;
};

/** The wiki's search index and authors' summary, kept up to date while started. */
export class WikiReadModels {
  readonly wiki: Wiki;
  readonly dialect: Dialect;
  readonly search: ProjectionRunner<Kysely<SearchDB>>;
  readonly authors: ProjectionRunner<Kysely<AuthorsDB>>;

  private constructor(
    wiki: Wiki,
    dialect: Dialect,
    search: ProjectionRunner<Kysely<SearchDB>>,
    authors: ProjectionRunner<Kysely<AuthorsDB>>,
  ) {
    this.wiki = wiki;
    this.dialect = dialect;
    this.search = search;
    this.authors = authors;
  }

  /** The read models of `wiki`, in its store (SQLite or PostgreSQL), not yet started. */
  static async of(wiki: Wiki): Promise<WikiReadModels> {
    await wiki.ready;
    const dialect = wiki.factory instanceof PostgresFactory ? "postgres" : "sqlite";
    const runner = async <DB>(definition: ViewDefinition<DB>, projection: Projection<Kysely<DB>>) =>
      new ProjectionRunner({
        application: wiki,
        projection,
        view: await viewOf(wiki, definition),
      });
    return new WikiReadModels(
      wiki,
      dialect,
      await runner(searchView(dialect), searchProjection(dialect)),
      await runner(authorsView, authorsProjection),
    );
  }

  /** Catches up, then follows the wiki live. */
  async start(): Promise<void> {
    await Promise.all([this.search.start(), this.authors.start()]);
  }

  /** Resolves once both read models show the notifications `ids` (what a save returned). */
  async waitFor(ids: readonly number[], timeoutMs = 5000): Promise<void> {
    const last = Math.max(0, ...ids);
    await Promise.all([
      this.search.waitFor(last, { timeoutMs }),
      this.authors.waitFor(last, { timeoutMs }),
    ]);
  }

  /** The names of the pages whose name or body has all of `words`, best first. */
  find(words: string): Promise<string[]> {
    return (this.search.view as ReadableView<SearchDB>).read((db) =>
      search(db, this.dialect, words),
    );
  }

  /** How many pages each author has created, by author. */
  async pagesByAuthor(): Promise<Record<string, number>> {
    const rows = await (this.authors.view as ReadableView<AuthorsDB>).read((db) =>
      db.selectFrom("authors").selectAll().orderBy("author").execute(),
    );
    return Object.fromEntries(rows.map((row) => [row.author, Number(row.pages)]));
  }

  /**
   * Rebuilds both read models from the first event, each beside its live view and switched in
   * once caught up: searches go on meanwhile, and never see a half-built index.
   */
  async rebuild(onProgress?: (progress: ProjectionProgress) => void): Promise<void> {
    await this.search.rebuild({ onProgress });
    await this.authors.rebuild({ onProgress });
  }

  /** Stops following the wiki. */
  async stop(): Promise<void> {
    await Promise.all([this.search.stop(), this.authors.stop()]);
  }
}

/** A view of `definition` in the wiki's own store. */
async function viewOf<DB>(wiki: Wiki, definition: ViewDefinition<DB>): Promise<ReadableView<DB>> {
  const { factory } = wiki;
  if (factory instanceof SqliteFactory) return sqliteView(factory, definition);
  if (factory instanceof PostgresFactory) return postgresView(factory, definition);
  throw new Error(
    "The wiki's read models need a SQLite or PostgreSQL store (INFRASTRUCTURE_FACTORY)",
  );
}
