/**
 * The wiki's read models on SQLite (an FTS5 index) and PostgreSQL (a tsvector under a GIN
 * index): pages found by their words once a command has waited for the read models, renames and
 * edits reflected, the authors' summary counted once per page, and the read models resuming
 * where they got to when started again.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Wiki } from "../src/application.js";
import { WikiReadModels } from "../src/read-models.js";

const dir = mkdtempSync(join(tmpdir(), "es-wiki-search-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const unique = () => randomUUID().replaceAll("-", "");

const stores: [string, () => Record<string, string>][] = [
  [
    "sqlite",
    () => ({ INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: join(dir, `${unique()}.db`) }),
  ],
  [
    "postgres",
    () => ({ INFRASTRUCTURE_FACTORY: "@es/postgres", POSTGRES_SCHEMA: `wiki_${unique()}` }),
  ],
];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(env: Record<string, string>): Promise<[Wiki, WikiReadModels]> {
  const wiki = new Wiki({ env });
  cleanups.push(() => wiki.close());
  const models = await WikiReadModels.of(wiki);
  await models.start();
  cleanups.push(() => models.stop());
  return [wiki, models];
}

describe.each(stores)("the wiki's read models (%s)", (_store, env) => {
  it("find pages by their words, and count pages per author, once the commands wait", async () => {
    const values = env();
    const [wiki, models] = await started(values);
    await wiki.createPage("Earth", "The third planet, blue with oceans", "ada");
    await wiki.createPage("Mars", "The red planet, dusty and cold", "grace");
    const ids = await wiki.createPage("Venus", "Hot and cloudy, the second planet", "ada");
    await models.waitFor(ids);

    expect(await models.find("planet")).toHaveLength(3);
    expect(await models.find("red planet")).toEqual(["Mars"]);
    expect(await models.find("oceans")).toEqual(["Earth"]);
    expect(await models.find("jupiter")).toEqual([]);
    // What a user types is words, never the index's query syntax.
    expect(await models.find('planet" OR "x')).toEqual([]);
    expect(await models.pagesByAuthor()).toEqual({ ada: 2, grace: 1 });

    await models.waitFor(await wiki.renamePage("Mars", "Ares"));
    await models.waitFor(await wiki.updateBody("Earth", "Our home, with oceans and forests"));
    expect(await models.find("red planet")).toEqual(["Ares"]);
    expect(await models.find("forests")).toEqual(["Earth"]);
    expect(await models.find("third")).toEqual([]);
    // Renames and edits are not pages created.
    expect(await models.pagesByAuthor()).toEqual({ ada: 2, grace: 1 });

    // Started again, they resume from what they tracked: nothing is counted twice.
    await models.stop();
    await wiki.createPage("Pluto", "A dwarf planet, far and cold", "grace");
    const [, again] = await started(values);
    await again.search.caughtUp({ timeoutMs: 5000 });
    await again.authors.caughtUp({ timeoutMs: 5000 });
    expect(await again.pagesByAuthor()).toEqual({ ada: 2, grace: 2 });
    expect(await again.find("cold")).toEqual(expect.arrayContaining(["Ares", "Pluto"]));
    expect(again.authors.progress.processed).toBe(1);
  });

  it("are rebuilt beside the live ones while pages are created, searches never seeing half an index", async () => {
    const [wiki, models] = await started(env());
    for (let i = 0; i < 30; i++)
      await wiki.createPage(`Page ${i}`, `planet number ${i}`, `author-${i % 3}`);
    await models.search.caughtUp({ timeoutMs: 5000 });
    const found: Promise<string[]>[] = [];
    const creating = (async () => {
      for (let i = 30; i < 40; i++)
        await wiki.createPage(`Page ${i}`, `planet number ${i}`, "late");
    })();
    await models.rebuild(() => void found.push(models.find("planet")));
    await creating;
    await models.waitFor([await wiki.recorder.maxNotificationId()]);
    expect(await models.find("planet")).toHaveLength(40);
    expect(await models.pagesByAuthor()).toEqual({
      "author-0": 10,
      "author-1": 10,
      "author-2": 10,
      late: 10,
    });
    // Searched while rebuilding: the live index, each time at least the 30 pages it had.
    for (const names of await Promise.all(found)) expect(names.length).toBeGreaterThanOrEqual(30);
  });
});
