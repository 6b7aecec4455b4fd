/**
 * The SQLite adapter is configured in code with a typed, validated options object, or from
 * the environment, which is parsed into the same options: bad options fail as bad variables
 * do, naming what is wrong.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Application } from "@es/application";
import { Aggregate, aggregate } from "@es/domain";
import { ConfigurationError, Environment } from "@es/persistence-core";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteFactory, type SqliteOptions, sqlite } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "es-sqlite-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

@aggregate("ConfiguredNote")
class Note extends Aggregate {}

class Notes extends Application {
  static override applicationName = "Notes";
}

describe("SQLite configured in code", () => {
  it("runs an application on sqlite({ path }), whatever the environment names", async () => {
    const path = join(dir, "notes.db");
    const app = new Notes({
      infrastructure: sqlite({ path, lockTimeoutMs: 2_000, synchronous: "NORMAL" }),
      env: { INFRASTRUCTURE_FACTORY: "no-such-adapter" },
    });
    const note = Note.create();
    await app.save(note);
    expect(app.factory).toBeInstanceOf(SqliteFactory);
    expect((app.factory as SqliteFactory).options).toEqual({
      path,
      lockTimeoutMs: 2_000,
      synchronous: "NORMAL",
      createTable: true,
    });
    expect((app.factory as SqliteFactory).datastore.pragma("synchronous")).toBe(1);
    await app.close();

    const again = new Notes({ infrastructure: sqlite({ path }) });
    expect((await again.repository.get(note.id)).version).toBe(1);
    await again.close();
  });

  it.each<[SqliteOptions, string]>([
    [
      { path: "" },
      "option 'path' of @es/sqlite is invalid: \"\" (a database path (or :memory:) is required)",
    ],
    [{ path: "file:x.db?mode=memory" }, "URI file names (file:…) are not supported"],
    [
      { path: ":memory:", lockTimeoutMs: -1 },
      "option 'lockTimeoutMs' of @es/sqlite is invalid: -1",
    ],
    [{ path: ":memory:", lockTimeoutMs: 1.5 }, "expected a whole number of milliseconds"],
    [
      { path: ":memory:", lockTimeoutMs: 2 ** 31 },
      "option 'lockTimeoutMs' of @es/sqlite is invalid",
    ],
    [
      { path: ":memory:", synchronous: "OFF" as "FULL" },
      "option 'synchronous' of @es/sqlite is invalid: \"OFF\" (expected FULL, NORMAL or EXTRA; OFF is refused",
    ],
  ])("refuses %j with a ConfigurationError naming the option", (options, message) => {
    expect(() => sqlite(options)).toThrow(ConfigurationError);
    expect(() => sqlite(options)).toThrow(message);
  });

  it("refuses options it doesn't know", () => {
    expect(() => sqlite({ path: ":memory:", dbName: "x" } as SqliteOptions)).toThrow(
      /@es\/sqlite options are invalid: Unrecognized key: "dbName"/,
    );
  });

  it("reads the same options from the environment", () => {
    const factory = SqliteFactory.fromEnvironment(
      new Environment("Notes", {
        NOTES_SQLITE_DBNAME: ":memory:",
        SQLITE_LOCK_TIMEOUT: "3",
        SQLITE_SYNCHRONOUS: "extra",
        CREATE_TABLE: "no",
      }),
    );
    expect(factory.options).toEqual({
      path: ":memory:",
      lockTimeoutMs: 3_000,
      synchronous: "EXTRA",
      createTable: false,
    });
    expect(factory.applicationName).toBe("Notes");
  });
});
