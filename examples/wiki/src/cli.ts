/**
 * The wiki's command line: search the index, list authors, rebuild the read models, or run the
 * demo (pages created, searched, the index damaged by hand, rebuilt, searched again). The store
 * comes from the environment, a SQLite file `wiki.db` by default:
 *
 *   tsx src/cli.ts demo | search <words…> | authors | rebuild
 *   INFRASTRUCTURE_FACTORY=@es/postgres POSTGRES_… tsx src/cli.ts demo
 */
import { Wiki } from "./application.js";
import { WikiReadModels } from "./read-models.js";

const env = {
  INFRASTRUCTURE_FACTORY: "@es/sqlite",
  SQLITE_DBNAME: "wiki.db",
  ...(process.env as Record<string, string>),
};

const PAGES: [string, string, string][] = [
  ["Earth", "The third planet from the sun, blue with oceans", "ada"],
  ["Mars", "The red planet, dusty and cold", "grace"],
  ["Venus", "Hot and cloudy, the second planet", "ada"],
  ["Moon", "Earth's only natural satellite, cold and grey", "grace"],
  ["Sun", "The star at the centre of the solar system", "linus"],
];

async function main([command = "demo", ...args]: string[]): Promise<void> {
  const wiki = new Wiki({ env });
  const models = await WikiReadModels.of(wiki);
  await models.start();
  try {
    await models.search.caughtUp({ timeoutMs: 60_000 });
    await models.authors.caughtUp({ timeoutMs: 60_000 });
    if (command === "search") console.log(await models.find(args.join(" ")));
    else if (command === "authors") console.log(await models.pagesByAuthor());
    else if (command === "rebuild") await rebuild(models);
    else if (command === "demo") await demo(wiki, models);
    else throw new Error(`Unknown command '${command}': demo, search <words…>, authors, rebuild`);
  } finally {
    await models.stop();
    await wiki.close();
  }
}

async function demo(wiki: Wiki, models: WikiReadModels): Promise<void> {
  for (const [name, body, author] of PAGES) {
    try {
      await models.waitFor(await wiki.createPage(name, body, author));
    } catch (error) {
      // Run again on the same store, the pages are there already.
      if ((error as Error).name !== "IntegrityError") throw error;
    }
  }
  const show = async (when: string) => {
    console.log(`\n${when}`);
    for (const words of ["planet", "cold", "red planet", "solar"]) {
      console.log(
        `  search ${JSON.stringify(words).padEnd(12)} → ${(await models.find(words)).join(", ") || "(nothing)"}`,
      );
    }
    console.log(`  pages by author → ${JSON.stringify(await models.pagesByAuthor())}`);
  };
  await show("The read models, kept by their projections:");

  // Damaged by hand, as a bad migration or a bug in an earlier projection might.
  await damage(models);
  await show("After rows of the index and the summary were deleted by hand:");

  await rebuild(models);
  await show("After a rebuild (beside the live views, switched in once caught up):");
}

async function rebuild(models: WikiReadModels): Promise<void> {
  const started = performance.now();
  let last = "";
  await models.rebuild((progress) => {
    last = `${progress.projection}: ${progress.position}/${progress.head}, ${progress.processed} events`;
  });
  console.log(`\nRebuilt in ${(performance.now() - started).toFixed(0)} ms (${last})`);
}

/** Deletes some rows of both read models, outside any projection. */
async function damage(models: WikiReadModels): Promise<void> {
  const { factory } = models.wiki;
  const statements = [
    "DELETE FROM pages WHERE name IN ('Mars', 'Moon')",
    "DELETE FROM authors WHERE author = 'grace'",
  ];
  if ("datastore" in factory && models.dialect === "sqlite") {
    const { datastore } = factory as unknown as import("@es/sqlite").SqliteFactory;
    datastore.write(() => {
      for (const statement of statements) datastore.prepare(statement).run();
      datastore.prepare("DELETE FROM page_words WHERE rowid NOT IN (SELECT id FROM pages)").run();
    });
  } else {
    const postgres = factory as unknown as import("@es/postgres").PostgresFactory;
    const schema = postgres.options.schema;
    await postgres.datastore.execute(`SET search_path TO "${schema}"; ${statements.join("; ")}`);
  }
}

await main(process.argv.slice(2));
