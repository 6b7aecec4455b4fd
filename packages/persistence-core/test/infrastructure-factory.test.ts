/**
 * Environment and infrastructure factory.
 */

import { inspect } from "node:util";
import { DomainEvent, uuid4 } from "@es/domain";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ConfigurationError,
  Environment,
  EventStore,
  envSchemas,
  InfrastructureFactory,
  InMemoryAggregateRecorder,
  InMemoryApplicationRecorder,
  InMemoryFactory,
  InMemoryProcessRecorder,
  inMemory,
  Mapper,
  NotSupportedError,
} from "../src/index.js";

describe("Environment", () => {
  it("prefers the application-prefixed variable", () => {
    const env = new Environment("Worlds", {
      WORLDS_SQLITE_DBNAME: "worlds.db",
      SQLITE_DBNAME: "all.db",
      OTHER: "x",
    });
    expect(env.keysFor("SQLITE_DBNAME")).toEqual(["WORLDS_SQLITE_DBNAME", "SQLITE_DBNAME"]);
    expect(env.get("SQLITE_DBNAME")).toBe("worlds.db");
    expect(new Environment("Other", env.values).get("SQLITE_DBNAME")).toBe("all.db");
    expect(env.get("MISSING", "default")).toBe("default");
    expect(new Environment("", { A: "1" }).keysFor("A")).toEqual(["A"]);
  });

  it("validates values and names the variable they came from", () => {
    const env = new Environment("App", { APP_LOCK_TIMEOUT: "abc", FLAG: "maybe", EMPTY: "" });
    expect(() => env.read("LOCK_TIMEOUT", envSchemas.integer(undefined))).toThrow(
      ConfigurationError,
    );
    expect(() => env.read("LOCK_TIMEOUT", envSchemas.integer(undefined))).toThrow(
      `Environment variable 'APP_LOCK_TIMEOUT' is invalid: "abc" (expected an integer or an empty string)`,
    );
    expect(() => env.read("FLAG", envSchemas.boolean(false))).toThrow(
      /^Environment variable 'FLAG' is invalid: "maybe" \(expected a boolean/,
    );
    expect(env.read("EMPTY", envSchemas.integer(5))).toBe(5);
    expect(env.read("UNSET", envSchemas.boolean(true))).toBe(true);
    expect(() => env.read("UNSET", envSchemas.required("The database name"))).toThrow(
      "Environment variable 'UNSET' is not set: The database name is required",
    );
    expect(() => env.read("EMPTY", envSchemas.required("The database name"))).toThrow(
      "The database name must not be empty",
    );
    expect(env.read("EMPTY", envSchemas.optional())).toBeUndefined();
    expect(new Environment("", { N: " 2.5 " }).read("N", envSchemas.number(undefined))).toBe(2.5);
    expect(new Environment("", { N: "10" }).read("N", z.coerce.number())).toBe(10);
  });

  it("reads a choice as trimmed, normalised text, a blank one as the default", () => {
    const mode = envSchemas.text("FULL", z.enum(["NORMAL", "FULL"]), (text) => text.toUpperCase());
    const env = new Environment("", { SET: " normal ", BLANK: " ", BAD: "off" });
    expect(env.read("SET", mode)).toBe("NORMAL");
    expect(env.read("BLANK", mode)).toBe("FULL");
    expect(env.read("UNSET", mode)).toBe("FULL");
    expect(() => env.read("BAD", mode)).toThrow(/^Environment variable 'BAD' is invalid: "off"/);
  });

  it("shows a URL's password redacted, wherever the URL is: inspected, serialised or quoted", () => {
    const env = new Environment("", {
      DATABASE_URL: "postgres://worlds:s3cr@t:pw@db.example.com:5432/worlds?sslmode=require",
      PLAIN_URL: "https://example.com/a:b@c",
    });
    for (const shown of [inspect(env), JSON.stringify(env), inspect(env.values)]) {
      expect(shown).not.toContain("s3cr");
      expect(shown).toContain("postgres://worlds:<redacted>@db.example.com:5432/worlds");
      expect(shown).toContain("https://example.com/a:b@c");
    }
    expect(() => env.read("DATABASE_URL", z.string().max(10))).toThrow(
      `Environment variable 'DATABASE_URL' is invalid: "postgres://worlds:<redacted>@db.example.…`,
    );
  });
});

describe("InfrastructureFactory.construct", () => {
  it("constructs the in-memory factory by default", async () => {
    const factory = await InfrastructureFactory.construct({ applicationName: "TestCase", env: {} });
    expect(factory).toBeInstanceOf(InMemoryFactory);
    expect(await factory.aggregateRecorder()).toBeInstanceOf(InMemoryAggregateRecorder);
    expect(await factory.applicationRecorder()).toBeInstanceOf(InMemoryApplicationRecorder);
    expect(await factory.processRecorder()).toBeInstanceOf(InMemoryProcessRecorder);
    const mapper = factory.mapper();
    expect(mapper).toBeInstanceOf(Mapper);
    expect(mapper.cipher).toBeUndefined();
    expect(mapper.compressor).toBeUndefined();
    expect(factory.isSnapshottingEnabled()).toBe(false);
  });

  it("takes the adapter and codecs in code, before the environment's", async () => {
    const compressor = { compress: (d: Uint8Array) => d, decompress: (d: Uint8Array) => d };
    const factory = await InfrastructureFactory.construct({
      applicationName: "Coded",
      env: { INFRASTRUCTURE_FACTORY: "no-such-adapter", COMPRESSOR_TOPIC: "no-such-package" },
      infrastructure: inMemory(),
      compressor,
    });
    expect(factory).toBeInstanceOf(InMemoryFactory);
    expect(factory.applicationName).toBe("Coded");
    expect(factory.mapper().compressor).toBe(compressor);
  });

  it("describes an in-memory store as nothing another process could open", async () => {
    const factory = await InfrastructureFactory.construct({ applicationName: "Worlds", env: {} });
    await (await factory.applicationRecorder()).insertEvents([]);
    expect(await factory.describeStore()).toEqual({
      store: "in-memory",
      location: "this process's memory",
      tables: [],
      tracking: [],
    });
    expect(factory.recorderTableName("events")).toBeUndefined();
  });

  it("refuses to describe a store whose adapter doesn't say what it holds", async () => {
    class Undescribed extends InMemoryFactory {
      override describeStore() {
        return InfrastructureFactory.prototype.describeStore.call(this);
      }
    }
    const factory = new Undescribed({ applicationName: "Worlds" });
    await expect(factory.describeStore()).rejects.toThrow(NotSupportedError);
    await expect(factory.describeStore()).rejects.toThrow(
      /application 'Worlds' can't be described/,
    );
  });

  it("builds a working event store", async () => {
    const factory = await InfrastructureFactory.construct({ env: {} });
    const store = factory.eventStore(factory.mapper(), await factory.applicationRecorder());
    expect(store).toBeInstanceOf(EventStore);
    const domainEvent = new DomainEvent({
      originatorId: uuid4(),
      originatorVersion: 1,
      timestamp: new Date(),
    });
    await store.put([domainEvent]);
    expect(await store.get(domainEvent.originatorId)).toEqual([domainEvent]);
  });

  it("reads the factory class from INFRASTRUCTURE_FACTORY, prefixed variables first", async () => {
    const env = {
      INFRASTRUCTURE_FACTORY: "nowhere-at-all",
      TESTCASE_INFRASTRUCTURE_FACTORY: "@es/persistence-core:InMemoryFactory",
    };
    const factory = await InfrastructureFactory.construct({ applicationName: "TestCase", env });
    expect(factory).toBeInstanceOf(InMemoryFactory);
  });

  it("fails clearly on a topic that resolves to nothing, or to something else", async () => {
    await expect(
      InfrastructureFactory.construct({ env: { INFRASTRUCTURE_FACTORY: "invalid topic" } }),
    ).rejects.toThrow(
      "Failed to resolve infrastructure factory topic: 'invalid topic' from environment variable 'INFRASTRUCTURE_FACTORY'",
    );
    await expect(
      InfrastructureFactory.construct({
        env: { INFRASTRUCTURE_FACTORY: "@es/persistence-core:NoSuchExport" },
      }),
    ).rejects.toThrow("module '@es/persistence-core' has no export 'NoSuchExport'");
    await expect(
      InfrastructureFactory.construct({
        env: { INFRASTRUCTURE_FACTORY: "@es/persistence-core:Mapper" },
      }),
    ).rejects.toThrow("Not an infrastructure factory: @es/persistence-core:Mapper");
    await expect(
      InfrastructureFactory.construct({ env: { INFRASTRUCTURE_FACTORY: "invalid topic" } }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });

  it("refuses CIPHER_TOPIC without CIPHER_KEY", async () => {
    await expect(
      InfrastructureFactory.construct({ env: { CIPHER_TOPIC: "@es/cipher:AESCipher" } }),
    ).rejects.toThrow("'CIPHER_KEY' not set in env, although 'CIPHER_TOPIC' was set");
  });

  it("takes a compressor object as well as a class (such as node's `zlib` module)", async () => {
    const topic = "@es-test/fixtures:zlibModule";
    const factory = await InfrastructureFactory.construct({ env: { COMPRESSOR_TOPIC: topic } });
    const { zlibModule } = await import("@es-test/fixtures");
    expect(factory.mapper().compressor).toBe(zlibModule);
  });

  it("refuses compressor topics that are not compressors", async () => {
    await expect(
      InfrastructureFactory.construct({
        env: { COMPRESSOR_TOPIC: "@es/persistence-core:Environment" },
      }),
    ).rejects.toThrow("Not a compressor: @es/persistence-core:Environment");
  });

  it("reads IS_SNAPSHOTTING_ENABLED with strtobool rules", async () => {
    const factory = await InfrastructureFactory.construct({
      env: { IS_SNAPSHOTTING_ENABLED: "yes" },
    });
    expect(factory.isSnapshottingEnabled()).toBe(true);
    const invalid = await InfrastructureFactory.construct({
      env: { IS_SNAPSHOTTING_ENABLED: "sometimes" },
    });
    expect(() => invalid.isSnapshottingEnabled()).toThrow(
      /Environment variable 'IS_SNAPSHOTTING_ENABLED' is invalid: "sometimes"/,
    );
  });

  it("accepts an explicit factory class", async () => {
    class CustomFactory extends InMemoryFactory {}
    const factory = await InfrastructureFactory.construct({ factory: CustomFactory, env: {} });
    expect(factory).toBeInstanceOf(CustomFactory);
  });
});

describe("only what the user configured is loaded", () => {
  const inline =
    "data:text/javascript,export default class { constructor() { globalThis.ran = 1 } }";
  it.each([
    ["INFRASTRUCTURE_FACTORY", inline],
    ["INFRASTRUCTURE_FACTORY", "./local-factory.js"],
    ["INFRASTRUCTURE_FACTORY", "/abs/path/factory.js:Factory"],
    ["INFRASTRUCTURE_FACTORY", "file:///abs/path/factory.js"],
    ["COMPRESSOR_TOPIC", inline],
    ["COMPRESSOR_TOPIC", "../compressor.ts:zlibModule"],
    ["CIPHER_TOPIC", "https://example.com/cipher.js:Cipher"],
  ])("refuses %s=%s: a topic is a package name and, optionally, :Export", async (name, topic) => {
    const env: Record<string, string> = { [name]: topic, CIPHER_KEY: "x" };
    if (name !== "CIPHER_TOPIC") delete env.CIPHER_KEY;
    const error = await InfrastructureFactory.construct({ env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`from environment variable '${name}'`);
    expect((error as Error).message).toContain("expected a package name");
    expect((globalThis as { ran?: number }).ran).toBeUndefined();
  });

  it("accepts package names, scoped names, subpaths and exports", async () => {
    const factory = await InfrastructureFactory.construct({
      env: {
        INFRASTRUCTURE_FACTORY: "@es/persistence-core:InMemoryFactory",
        COMPRESSOR_TOPIC: "@es-test/fixtures:zlibModule",
      },
    });
    expect(factory).toBeInstanceOf(InMemoryFactory);
  });
});
