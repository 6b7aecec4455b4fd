/** SqliteFactory configuration and errors. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConfigurationError,
  DatabaseError,
  DataError,
  Environment,
  IntegrityError,
  InterfaceError,
  InternalError,
  OperationalError,
  ProgrammingError,
} from "@es/persistence-core";
import { makeStoredEvent } from "@es/persistence-core/testing";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { translateError } from "../src/errors.js";
import { SqliteDatastore, type SqliteDatastoreOptions, SqliteFactory } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "es-sqlite-factory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => join(dir, name);
const factory = (name: string, values: Record<string, string>) =>
  SqliteFactory.fromEnvironment(new Environment(name, values));

describe("SqliteFactory environment", () => {
  it("requires SQLITE_DBNAME, naming the keys it looked for", () => {
    expect(() => factory("TestCase", {})).toThrow(ConfigurationError);
    expect(() => factory("TestCase", {})).toThrow(
      "SQLite database name not found in environment with keys: TESTCASE_SQLITE_DBNAME, SQLITE_DBNAME",
    );
    expect(() => factory("TestCase", { SQLITE_DBNAME: " " })).toThrow(ConfigurationError);
  });

  it("reads SQLITE_LOCK_TIMEOUT as whole seconds, or none", () => {
    expect(factory("T", { SQLITE_DBNAME: ":memory:" }).options.lockTimeoutMs).toBe(5000);
    expect(
      factory("T", { SQLITE_DBNAME: ":memory:", SQLITE_LOCK_TIMEOUT: "" }).options.lockTimeoutMs,
    ).toBe(5000);
    expect(
      factory("T", { SQLITE_DBNAME: ":memory:", SQLITE_LOCK_TIMEOUT: "10" }).options.lockTimeoutMs,
    ).toBe(10_000);
    expect(() => factory("T", { SQLITE_DBNAME: ":memory:", SQLITE_LOCK_TIMEOUT: "abc" })).toThrow(
      `Environment variable 'SQLITE_LOCK_TIMEOUT' is invalid: "abc" (expected an integer from 0 to 2147483 or an empty string)`,
    );
  });

  it("reads SQLITE_SYNCHRONOUS, FULL by default", () => {
    expect(factory("T", { SQLITE_DBNAME: ":memory:" }).options.synchronous).toBe("FULL");
    expect(
      factory("T", { SQLITE_DBNAME: ":memory:", SQLITE_SYNCHRONOUS: "normal" }).options.synchronous,
    ).toBe("NORMAL");
    expect(() => factory("T", { SQLITE_DBNAME: ":memory:", SQLITE_SYNCHRONOUS: "fast" })).toThrow(
      /Environment variable 'SQLITE_SYNCHRONOUS' is invalid: "fast"/,
    );
  });

  it("reads SQLITE_CACHE_SIZE as whole MiB, the driver's default when unset", () => {
    expect(factory("T", { SQLITE_DBNAME: ":memory:" }).options.cacheSizeMib).toBeUndefined();
    expect(
      factory("T", { SQLITE_DBNAME: ":memory:", SQLITE_CACHE_SIZE: "" }).options.cacheSizeMib,
    ).toBeUndefined();
    expect(
      factory("T", { SQLITE_DBNAME: ":memory:", SQLITE_CACHE_SIZE: "256" }).options.cacheSizeMib,
    ).toBe(256);
    for (const bad of ["0", "-5", "1.5", "lots", String(2 ** 20 + 1)]) {
      expect(() => factory("T", { SQLITE_DBNAME: ":memory:", SQLITE_CACHE_SIZE: bad })).toThrow(
        `Environment variable 'SQLITE_CACHE_SIZE' is invalid: "${bad}"`,
      );
    }
  });

  it("refuses lock timeouts that aren't decimal whole seconds the driver takes, at construction", () => {
    const dbName = { SQLITE_DBNAME: ":memory:" };
    for (const bad of ["0x10", "1e3", "1.5", "-1", "2147484"]) {
      expect(() => factory("T", { ...dbName, SQLITE_LOCK_TIMEOUT: bad })).toThrow(
        ConfigurationError,
      );
      expect(() => factory("T", { ...dbName, SQLITE_LOCK_TIMEOUT: bad })).toThrow(
        `Environment variable 'SQLITE_LOCK_TIMEOUT' is invalid: "${bad}"`,
      );
    }
    expect(factory("T", { ...dbName, SQLITE_LOCK_TIMEOUT: "2147483" }).options.lockTimeoutMs).toBe(
      2147483000,
    );
  });

  it("refuses database names the driver would open as another file", () => {
    expect(() => factory("T", { SQLITE_DBNAME: file("a\u0000b.db") })).toThrow(
      /^Environment variable 'SQLITE_DBNAME' is invalid: ".*" \(a file name can't contain a NUL character\)$/,
    );
    expect(() => factory("T", { SQLITE_DBNAME: "file:events.db?mode=memory" })).toThrow(
      `Environment variable 'SQLITE_DBNAME' is invalid: "file:events.db?mode=memory" (URI file names (file:…) are not supported; give a path, or :memory:)`,
    );
  });

  it("refuses SQLITE_SYNCHRONOUS=OFF, which can lose committed events, and takes EXTRA", () => {
    const dbName = { SQLITE_DBNAME: ":memory:" };
    expect(() => factory("T", { ...dbName, SQLITE_SYNCHRONOUS: "OFF" })).toThrow(
      /Environment variable 'SQLITE_SYNCHRONOUS' is invalid: "OFF" \(expected FULL, NORMAL or EXTRA/,
    );
    expect(factory("T", { ...dbName, SQLITE_SYNCHRONOUS: "extra" }).options.synchronous).toBe(
      "EXTRA",
    );
  });

  it("quotes at most a bounded prefix of a bad value", () => {
    const long = "x".repeat(10_000);
    const error = (() => {
      try {
        factory("T", { SQLITE_DBNAME: ":memory:", SQLITE_SYNCHRONOUS: long });
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.message.length).toBeLessThan(200);
    expect(error?.message).toContain("(10000 characters)");
  });

  it("names tables after the application and refuses names that aren't identifiers", async () => {
    const worlds = factory("Worlds", { SQLITE_DBNAME: ":memory:" });
    expect((await worlds.applicationRecorder()).eventsTable).toBe("worlds_events");
    expect((await worlds.aggregateRecorder("snapshots")).eventsTable).toBe("worlds_snapshots");
    expect((await worlds.processRecorder()).trackingTable).toBe("worlds_tracking");
    await worlds.close();
    expect(factory("", { SQLITE_DBNAME: ":memory:" }).tablePrefix).toBe("stored");
    expect(() => factory('x"; drop table y; --', { SQLITE_DBNAME: ":memory:" })).toThrow(
      ProgrammingError,
    );
    expect(() => factory("a".repeat(80), { SQLITE_DBNAME: ":memory:" })).toThrow(
      /Invalid table name/,
    );
  });

  it("lets several applications share one file", async () => {
    const path = file("shared.db");
    const one = factory("One", { SQLITE_DBNAME: path });
    const two = factory("Two", { SQLITE_DBNAME: path });
    const r1 = await one.applicationRecorder();
    const r2 = await two.applicationRecorder();
    await r1.insertEvents([makeStoredEvent("a", 1)]);
    expect(await r2.maxNotificationId()).toBe(0);
    expect(await r1.maxNotificationId()).toBe(1);
    await Promise.all([one.close(), two.close()]);
  });

  it("with CREATE_TABLE=false, creates nothing, and missing tables are ProgrammingErrors naming them", async () => {
    const f = factory("Missing", { SQLITE_DBNAME: file("missing.db"), CREATE_TABLE: "false" });
    const recorder = await f.processRecorder();
    await expect(recorder.insertEvents([])).rejects.toBeInstanceOf(ProgrammingError);
    await expect(recorder.insertEvents([])).rejects.toThrow("no such table: missing_events");
    await expect(recorder.selectEvents("x")).rejects.toThrow("no such table: missing_events");
    await expect(recorder.selectNotifications(1, 1)).rejects.toBeInstanceOf(ProgrammingError);
    await expect(recorder.maxNotificationId()).rejects.toBeInstanceOf(ProgrammingError);
    await expect(recorder.maxTrackingId("app")).rejects.toThrow("no such table: missing_tracking");
    const aggregate = await f.aggregateRecorder("snapshots");
    await expect(aggregate.selectEvents("x")).rejects.toThrow("no such table: missing_snapshots");
    await f.close();
  });
});

describe("SqliteFactory.describeStore", () => {
  it("reads tables of any name, in memory as in a file, without taking them for SQLite's own", async () => {
    const store = factory("Worlds", { SQLITE_DBNAME: ":memory:" });
    await (await store.applicationRecorder()).insertEvents([makeStoredEvent("a", 1)]);
    // Names the catalog gives as they are: a quote, a space, and LIKE's wildcard `_`.
    store.datastore.exec([
      `CREATE TABLE "odd ""one""_tracking" (APPLICATION_NAME text, Notification_Id integer)`,
      `INSERT INTO "odd ""one""_tracking" VALUES ('Up', 4), ('Up', 9)`,
      `CREATE TABLE sqliteXnotes (note text)`,
    ]);
    expect(await store.describeStore()).toEqual({
      store: "@es/sqlite",
      location: ":memory:",
      tables: [
        { name: 'odd "one"_tracking', rows: 2 },
        { name: "sqliteXnotes", rows: 0 },
        { name: "worlds_events", rows: 1 },
      ],
      tracking: [{ table: 'odd "one"_tracking', applicationName: "Up", notificationId: 9 }],
    });
    await store.close();
  });

  it("describes an empty file by its path", async () => {
    const path = file("empty.db");
    const store = factory("Empty", { SQLITE_DBNAME: path });
    expect(await store.describeStore()).toEqual({
      store: "@es/sqlite",
      location: path,
      tables: [],
      tracking: [],
    });
    await store.close();
  });
});

describe("lock timeout", () => {
  it("gives a writer that can't get the lock in time an OperationalError, and writes nothing", async () => {
    const path = file("locked.db");
    const f = factory("Locked", { SQLITE_DBNAME: path, SQLITE_LOCK_TIMEOUT: "1" });
    const recorder = await f.applicationRecorder();
    const other = new Database(path);
    other.exec("begin immediate");
    const started = Date.now();
    await expect(
      recorder.insertEvents([makeStoredEvent("a", 1), makeStoredEvent("a", 2)]),
    ).rejects.toBeInstanceOf(OperationalError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    other.exec("rollback");
    other.close();
    expect(await recorder.maxNotificationId()).toBe(0);
    await recorder.insertEvents([makeStoredEvent("a", 1)]);
    expect(await recorder.maxNotificationId()).toBe(1);
    await f.close();
  });
});

describe("SqliteDatastore", () => {
  it("uses WAL for files and not for memory", () => {
    const memory = new SqliteDatastore({ path: ":memory:" });
    expect(memory.isWal).toBe(false);
    memory.close();
    const path = file("wal.db");
    const first = new SqliteDatastore({ path: path });
    expect(first.isWal).toBe(true);
    first.close();
    const again = new SqliteDatastore({ path: path });
    expect(again.isWal).toBe(true);
    expect(again.pragma("synchronous")).toBe(2);
    again.close();
    const normal = new SqliteDatastore({ path: path, synchronous: "NORMAL" });
    expect(normal.pragma("synchronous")).toBe(1);
    normal.close();
  });

  it("keeps as many MiB of pages in memory as it is told, else the driver's default", () => {
    const path = file("cache.db");
    const driver = new Database(":memory:");
    const plain = new SqliteDatastore({ path });
    expect(plain.pragma("cache_size")).toBe(driver.pragma("cache_size", { simple: true }));
    plain.close();
    driver.close();
    const large = new SqliteDatastore({ path, cacheSizeMib: 256 });
    expect(large.pragma("cache_size")).toBe(-256 * 1024);
    large.close();
    for (const cacheSizeMib of [0, 1.5, 2 ** 20 + 1]) {
      expect(() => new SqliteDatastore({ path, cacheSizeMib })).toThrow(
        "option 'cacheSizeMib' of SqliteDatastore is invalid",
      );
    }
  });

  it.each([
    [{ path: null }, "option 'path' of SqliteDatastore is invalid"],
    [{ path: "" }, "option 'path' of SqliteDatastore is invalid"],
    [
      { path: ":memory:", dbName: "x" },
      'SqliteDatastore options are invalid: Unrecognized key: "dbName"',
    ],
    [
      { path: ":memory:", synchronous: "OFF" },
      "option 'synchronous' of SqliteDatastore is invalid",
    ],
    [
      { path: ":memory:", lockTimeoutMs: -1 },
      "option 'lockTimeoutMs' of SqliteDatastore is invalid",
    ],
    [undefined, "SqliteDatastore options are invalid"],
  ])(
    "refuses %j as sqlite() does, rather than opening a temporary database",
    (options, message) => {
      const open = () => new SqliteDatastore(options as unknown as SqliteDatastoreOptions);
      expect(open).toThrow(ConfigurationError);
      expect(open).toThrow(message);
    },
  );

  it("reports broken statements as ProgrammingError (a statement that doesn't parse)", () => {
    const store = new SqliteDatastore({ path: ":memory:" });
    expect(() => store.exec(["BLAH"])).toThrow(ProgrammingError);
    expect(() => store.prepare("select * from nowhere")).toThrow("no such table: nowhere");
    store.close();
  });

  it("fails to open a database it can't, with OperationalError", () => {
    expect(() => new SqliteDatastore({ path: join(dir, "no", "such", "dir.db") })).toThrow(
      OperationalError,
    );
  });

  it("rolls back the whole transaction when anything in it throws", () => {
    const store = new SqliteDatastore({ path: ":memory:" });
    store.exec(["create table t (x integer primary key)"]);
    expect(() =>
      store.write(() => {
        store.prepare("insert into t values (1)").run();
        throw new TypeError("not a driver error");
      }),
    ).toThrow(TypeError);
    expect(() =>
      store.write(() => {
        store.prepare("insert into t values (2)").run();
        store.prepare("insert into t values (2)").run();
      }),
    ).toThrow(IntegrityError);
    expect(store.prepare("select count(*) n from t").get()).toEqual({ n: 0 });
    store.close();
    expect(() => store.read(() => store.prepare("select 1").get())).toThrow(InterfaceError);
  });
});

describe("driver error translation", () => {
  function sqliteError(code: string): Error {
    const db = new Database(":memory:");
    try {
      db.exec("select * from nowhere");
    } catch (error) {
      Object.defineProperty(error, "code", { value: code });
      return error as Error;
    } finally {
      db.close();
    }
    throw new Error("no error");
  }

  it.each([
    ["SQLITE_CONSTRAINT_UNIQUE", IntegrityError],
    ["SQLITE_CONSTRAINT_PRIMARYKEY", IntegrityError],
    ["SQLITE_BUSY", OperationalError],
    ["SQLITE_BUSY_SNAPSHOT", OperationalError],
    ["SQLITE_LOCKED", OperationalError],
    ["SQLITE_IOERR_WRITE", OperationalError],
    ["SQLITE_FULL", OperationalError],
    ["SQLITE_MISMATCH", DataError],
    ["SQLITE_TOOBIG", DataError],
    ["SQLITE_ERROR", ProgrammingError],
    ["SQLITE_MISUSE", InterfaceError],
    ["SQLITE_INTERNAL", InternalError],
    ["SQLITE_CORRUPT", DatabaseError],
    ["SQLITE_SOMETHING_NEW", DatabaseError],
  ])("%s → %s", (code, expected) => {
    const translated = translateError(sqliteError(code));
    expect(translated).toBeInstanceOf(expected);
    expect((translated as Error).message).toContain(code);
    expect((translated as Error).cause).toBeInstanceOf(Error);
  });

  it("leaves other errors alone", () => {
    const error = new RangeError("mine");
    expect(translateError(error)).toBe(error);
  });
});
