/**
 * The wiki example, on the in-memory store, SQLite and PostgreSQL, chosen by environment only:
 * saving several aggregates atomically, name collisions refused, and encryption with
 * compression configured by environment. The PostgreSQL server's POSTGRES_* variables come
 * from the environment the test run provides; each application gets a schema of its own.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AESCipher, ZlibCompressor } from "@es/cipher";
import { InMemoryFactory, RecordConflictError } from "@es/persistence-core";
import { PostgresFactory } from "@es/postgres";
import { SqliteFactory } from "@es/sqlite";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Wiki } from "../src/application.js";

const dir = mkdtempSync(join(tmpdir(), "es-wiki-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const unique = () => randomUUID().replaceAll("-", "");

type Factory = typeof InMemoryFactory | typeof SqliteFactory | typeof PostgresFactory;

const stores: [string, () => Record<string, string>, Factory][] = [
  ["in-memory", () => ({}), InMemoryFactory],
  [
    "sqlite",
    () => ({ INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: join(dir, `${unique()}.db`) }),
    SqliteFactory,
  ],
  [
    "postgres",
    () => ({ INFRASTRUCTURE_FACTORY: "@es/postgres", POSTGRES_SCHEMA: `wiki_${unique()}` }),
    PostgresFactory,
  ],
];

let wiki: Wiki;
afterEach(() => wiki.close());

describe.each(stores)("wiki (%s)", (_store, env, factory) => {
  it("creates and renames pages, refusing name collisions atomically", async () => {
    wiki = new Wiki({ env: env() });
    await wiki.ready;
    expect(wiki.factory).toBeInstanceOf(factory);

    await wiki.createPage("Erth", "Lorem ipsum...");
    expect((await wiki.getPage("Erth")).body).toBe("Lorem ipsum...");

    await wiki.renamePage("Erth", "Earth");
    expect((await wiki.getPage("Earth")).body).toBe("Lorem ipsum...");

    await expect(wiki.createPage("Earth", "Neque porro quisquam...")).rejects.toBeInstanceOf(
      RecordConflictError,
    );
    expect((await wiki.getPage("Earth")).body).toBe("Lorem ipsum...");

    await wiki.createPage("Mars", "Neque porro quisquam...");
    const before = await wiki.recorder.maxNotificationId();
    await expect(wiki.renamePage("Mars", "Earth")).rejects.toBeInstanceOf(RecordConflictError);
    // Nothing of the failed save was recorded: not the page's rename either.
    expect(await wiki.recorder.maxNotificationId()).toBe(before);
    expect((await wiki.getPage("Earth")).body).toBe("Lorem ipsum...");
    expect((await wiki.getPage("Mars")).name).toBe("Mars");
  });

  it("encrypts and compresses stored events, configured by environment", async () => {
    const cipherKey = AESCipher.createKey(32);
    wiki = new Wiki({
      env: {
        ...env(),
        CIPHER_KEY: cipherKey,
        CIPHER_TOPIC: "@es/cipher:AESCipher",
        COMPRESSOR_TOPIC: "@es/cipher:ZlibCompressor",
      },
    });
    await wiki.createPage("Venus", "Hot and cloudy");
    expect((await wiki.getPage("Venus")).body).toBe("Hot and cloudy");
    expect(wiki.mapper.cipher).toBeInstanceOf(AESCipher);
    expect(wiki.mapper.compressor).toBeInstanceOf(ZlibCompressor);
    const [first] = await wiki.log.select(1, 1);
    expect(Buffer.from(first?.state ?? []).toString("latin1")).not.toContain("Hot and cloudy");
    // The state is bound to its row: the originator id and version are its associated data.
    const row = new TextEncoder().encode(`${first?.originatorId}\n${first?.originatorVersion}`);
    const decrypted = new ZlibCompressor().decompress(
      new AESCipher(cipherKey).decrypt(first?.state ?? new Uint8Array(), row),
    );
    expect(new TextDecoder().decode(decrypted)).toContain("Hot and cloudy");
  });
});
