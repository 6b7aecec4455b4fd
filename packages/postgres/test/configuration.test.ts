/**
 * The PostgreSQL adapter is configured in code with a typed, validated options object, or from
 * the `POSTGRES_*` environment variables, parsed into the same options. A bad value fails at
 * construction with a ConfigurationError naming the option or variable; the password never
 * appears in an error or an inspected object.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { Application } from "@es/application";
import { Aggregate, aggregate, event } from "@es/domain";
import {
  ConfigurationError,
  Environment,
  OperationalError,
  ProgrammingError,
} from "@es/persistence-core";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresFactory, type PostgresOptions, postgres } from "../src/index.js";
import { makeCertificates } from "./certificates.js";
import { server, uniquePrefix } from "./server.js";

const dir = mkdtempSync(join(tmpdir(), "es-postgres-config-"));
const certs = makeCertificates();
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  certs.remove();
});
const cert = readFileSync(certs.client.cert, "utf8");
const key = readFileSync(certs.client.key, "utf8");
/** A line of the key's body: what must never appear in a message. */
const keyLine = key.split("\n")[1] ?? "";

@aggregate("ConfiguredPostgresNote")
class Note extends Aggregate {
  text = "";
  @event("Written")
  write(text: string) {
    this.text = text;
  }
}

/** The test server as options in code. */
const connection = (): PostgresOptions => {
  const s = server();
  return {
    host: s.POSTGRES_HOST,
    port: Number(s.POSTGRES_PORT),
    user: s.POSTGRES_USER,
    password: s.POSTGRES_PASSWORD,
    database: s.POSTGRES_DBNAME,
  };
};

/** A factory from `values` and the test server's variables (which `values` may override). */
const fromEnv = (name: string, values: Record<string, string>) =>
  PostgresFactory.fromEnvironment(new Environment(name, { ...server(), ...values }));

const errorOf = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("no error");
};

describe("PostgreSQL configured in code", () => {
  it("runs an application on postgres({ … }), whatever the environment names", async () => {
    const name = uniquePrefix();
    class Notes extends Application {
      static override applicationName = name;
    }
    const app = new Notes({
      infrastructure: postgres({ ...connection(), maxConnections: 3, lockTimeoutMs: 2_000 }),
      env: { INFRASTRUCTURE_FACTORY: "no-such-adapter" },
    });
    const note = Note.create();
    note.write("hello");
    expect(await app.save(note)).toEqual([1, 2]);
    expect(app.factory).toBeInstanceOf(PostgresFactory);
    const factory = app.factory as PostgresFactory;
    expect(factory.options).toEqual({
      host: connection().host,
      port: connection().port,
      user: connection().user,
      database: connection().database,
      schema: "public",
      sslMode: "disable",
      maxConnections: 3,
      connMaxAgeMs: null,
      prePing: false,
      lockTimeoutMs: 2_000,
      idleInTransactionSessionTimeoutMs: 0,
      connectTimeoutMs: 5_000,
      createTable: true,
    });
    expect(await factory.datastore.query("SHOW lock_timeout")).toEqual([{ lock_timeout: "2s" }]);
    await app.close();

    const again = new Notes({ infrastructure: postgres(connection()) });
    expect(((await again.repository.get(note.id)) as Note).text).toBe("hello");
    await again.close();
  });

  it.each<[Partial<PostgresOptions>, string]>([
    [{ host: " " }, "option 'host' of @es/postgres is invalid: \" \" (a host is required)"],
    [{ port: 70_000 }, "option 'port' of @es/postgres is invalid: 70000"],
    [{ user: "" }, "option 'user' of @es/postgres is invalid: \"\" (a user is required)"],
    [{ database: "" }, "option 'database' of @es/postgres is invalid"],
    [{ schema: "a-b" }, "option 'schema' of @es/postgres is invalid: \"a-b\""],
    [{ sslMode: "prefer" as "require" }, "expected disable, require or verify-full"],
    [{ maxConnections: 0 }, "option 'maxConnections' of @es/postgres is invalid: 0"],
    [{ connMaxAgeMs: -1 }, "option 'connMaxAgeMs' of @es/postgres is invalid: -1"],
    [{ lockTimeoutMs: 1.5 }, "expected whole milliseconds"],
    [{ idleInTransactionSessionTimeoutMs: 2 ** 31 }, "option 'idleInTransactionSessionTimeoutMs'"],
    [
      { sslRootCert: "PEM" },
      "option 'sslRootCert' of @es/postgres is only used when 'sslMode' is verify-full",
    ],
  ])("refuses %j with a ConfigurationError naming the option", (bad, message) => {
    const options = { ...connection(), ...bad };
    const make = () => new PostgresFactory(options);
    expect(make).toThrow(ConfigurationError);
    expect(make).toThrow(message);
  });

  it.each<[Partial<PostgresOptions>, string]>([
    [
      { sslMode: "require", sslCert: cert },
      "option 'sslCert' of @es/postgres is given without 'sslKey': a client certificate and its key go together",
    ],
    [
      { sslMode: "require", sslKey: key },
      "option 'sslKey' of @es/postgres is given without 'sslCert'",
    ],
    [
      { sslCert: cert, sslKey: key },
      "option 'sslCert' of @es/postgres is only used when 'sslMode' is require or verify-full",
    ],
    [
      { sslMode: "require", sslCert: "not a certificate", sslKey: key },
      "option 'sslCert' of @es/postgres is not a PEM certificate",
    ],
    [
      { sslMode: "require", sslCert: cert, sslKey: key.replace(keyLine, keyLine.slice(1)) },
      "option 'sslKey' of @es/postgres is not an unencrypted PEM private key",
    ],
    [
      { sslMode: "verify-full", sslCert: cert, sslKey: readFileSync(certs.stranger.key, "utf8") },
      "option 'sslKey' of @es/postgres is not the private key of 'sslCert' (CN=postgres)",
    ],
  ])("refuses a client certificate and key that don't fit: %#", (bad, message) => {
    const error = errorOf(() => postgres({ ...connection(), ...bad }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(message);
    expect(`${inspect(error, { showHidden: true })} ${error.stack}`).not.toContain(keyLine);
  });

  it("keeps the client key out of its resolved options", () => {
    const factory = new PostgresFactory({
      ...connection(),
      sslMode: "require",
      sslCert: cert,
      sslKey: key,
    });
    expect(factory.options.sslCert).toBe(cert);
    expect(factory.options).not.toHaveProperty("sslKey");
    expect(inspect(factory, { depth: 20, showHidden: true })).not.toContain(keyLine);
  });

  it("refuses options it doesn't know, and a missing password", () => {
    expect(() => postgres({ ...connection(), dbname: "x" } as PostgresOptions)).toThrow(
      /@es\/postgres options are invalid: Unrecognized key: "dbname"/,
    );
    const { password: _, ...withoutPassword } = connection();
    expect(() => postgres(withoutPassword as PostgresOptions)).toThrow(ConfigurationError);
  });
});

describe("PostgreSQL configured by the environment", () => {
  it("requires the database, host, user and password, naming the keys it looked for", () => {
    const needed = {
      POSTGRES_DBNAME: "database name",
      POSTGRES_HOST: "host",
      POSTGRES_USER: "user",
      POSTGRES_PASSWORD: "password",
    };
    for (const [key, what] of Object.entries(needed)) {
      const values: Record<string, string> = { ...server() };
      delete values[key];
      const error = errorOf(() =>
        PostgresFactory.fromEnvironment(new Environment("Worlds", values)),
      );
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).toBe(
        `PostgreSQL ${what} not found in environment with keys: WORLDS_${key}, ${key}`,
      );
    }
    expect(() => fromEnv("Worlds", { POSTGRES_HOST: " " })).toThrow("PostgreSQL host not found");
    expect(fromEnv("Worlds", { POSTGRES_PASSWORD: "" })).toBeInstanceOf(PostgresFactory);
  });

  it("lets application-prefixed variables win", () => {
    const factory = fromEnv("Worlds", {
      POSTGRES_DBNAME: "shared",
      WORLDS_POSTGRES_DBNAME: "worlds",
      WORLDS_POSTGRES_PRE_PING: "y",
    });
    expect(factory.options.database).toBe("worlds");
    expect(factory.options.prePing).toBe(true);
  });

  it("reads POSTGRES_CONN_MAX_AGE as seconds: empty for ever, 0 for one transaction", () => {
    const age = (value?: string) =>
      fromEnv("T", value === undefined ? {} : { POSTGRES_CONN_MAX_AGE: value }).options
        .connMaxAgeMs;
    expect(age()).toBeNull();
    expect(age("")).toBeNull();
    expect(age("0")).toBe(0);
    expect(age("2.5")).toBe(2_500);
    for (const bad of ["abc", "-1", "1e10"]) {
      expect(() => age(bad)).toThrow(ConfigurationError);
      expect(() => age(bad)).toThrow("Environment variable 'POSTGRES_CONN_MAX_AGE' is invalid");
    }
  });

  it.each([
    ["POSTGRES_LOCK_TIMEOUT", "lockTimeoutMs"],
    ["POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT", "idleInTransactionSessionTimeoutMs"],
  ] as const)("reads %s as whole seconds, 0 or empty for no limit", (key, option) => {
    const timeout = (value?: string) =>
      fromEnv("T", value === undefined ? {} : { [key]: value }).options[option];
    expect(timeout()).toBe(0);
    expect(timeout("")).toBe(0);
    expect(timeout("1")).toBe(1_000);
    for (const bad of ["abc", "1.5", "-1", "0x10"]) {
      expect(() => timeout(bad)).toThrow(`Environment variable '${key}' is invalid: "${bad}"`);
    }
  });

  it("reads POSTGRES_PRE_PING, POSTGRES_PORT, POSTGRES_MAX_CONNECTIONS and CREATE_TABLE", () => {
    expect(fromEnv("T", {}).options.prePing).toBe(false);
    expect(fromEnv("T", { POSTGRES_PRE_PING: "off" }).options.prePing).toBe(false);
    expect(fromEnv("T", { POSTGRES_PRE_PING: "on" }).options.prePing).toBe(true);
    expect(() => fromEnv("T", { POSTGRES_PRE_PING: "maybe" })).toThrow(
      "Environment variable 'POSTGRES_PRE_PING' is invalid: \"maybe\"",
    );
    expect(fromEnv("T", { POSTGRES_PORT: "" }).options.port).toBe(5432);
    expect(() => fromEnv("T", { POSTGRES_PORT: "99999" })).toThrow(
      "Environment variable 'POSTGRES_PORT' is invalid",
    );
    expect(fromEnv("T", {}).options.maxConnections).toBe(10);
    expect(fromEnv("T", { POSTGRES_MAX_CONNECTIONS: "4" }).options.maxConnections).toBe(4);
    expect(() => fromEnv("T", { POSTGRES_MAX_CONNECTIONS: "0" })).toThrow(
      "Environment variable 'POSTGRES_MAX_CONNECTIONS' is invalid",
    );
    expect(fromEnv("T", { CREATE_TABLE: "no" }).options.createTable).toBe(false);
  });

  it("reads POSTGRES_SSLMODE and the certificate file POSTGRES_SSLROOTCERT names", () => {
    expect(fromEnv("T", {}).options.sslMode).toBe("disable");
    expect(fromEnv("T", { POSTGRES_SSLMODE: "" }).options.sslMode).toBe("disable");
    expect(fromEnv("T", { POSTGRES_SSLMODE: "REQUIRE" }).options.sslMode).toBe("require");
    expect(() => fromEnv("T", { POSTGRES_SSLMODE: "prefer" })).toThrow(
      "Environment variable 'POSTGRES_SSLMODE' is invalid: \"prefer\" (expected disable, require or verify-full)",
    );
    const pem = join(dir, "ca.pem");
    writeFileSync(pem, "-----BEGIN CERTIFICATE-----\n");
    const verified = fromEnv("T", { POSTGRES_SSLMODE: "verify-full", POSTGRES_SSLROOTCERT: pem });
    expect(verified.options.sslRootCert).toBe("-----BEGIN CERTIFICATE-----\n");
    expect(() =>
      fromEnv("T", { POSTGRES_SSLMODE: "verify-full", POSTGRES_SSLROOTCERT: join(dir, "none") }),
    ).toThrow("Environment variable 'POSTGRES_SSLROOTCERT' names a file that can't be read");
    expect(() => fromEnv("T", { POSTGRES_SSLROOTCERT: pem })).toThrow(
      "Environment variable 'POSTGRES_SSLROOTCERT' is only used when 'POSTGRES_SSLMODE' is verify-full",
    );
  });

  it("reads the client certificate and key from the files POSTGRES_SSLCERT and POSTGRES_SSLKEY name", () => {
    const files = { POSTGRES_SSLCERT: certs.client.cert, POSTGRES_SSLKEY: certs.client.key };
    const factory = fromEnv("T", { ...files, POSTGRES_SSLMODE: "require" });
    expect(factory.options.sslCert).toBe(cert);
    expect(factory.options).not.toHaveProperty("sslKey");
    expect(() =>
      fromEnv("T", { POSTGRES_SSLMODE: "require", T_POSTGRES_SSLKEY: certs.client.key }),
    ).toThrow(
      new ConfigurationError(
        "Environment variable 'T_POSTGRES_SSLKEY' is given without 'POSTGRES_SSLCERT': a client certificate and its key go together",
      ),
    );
    expect(() => fromEnv("T", files)).toThrow(
      "Environment variable 'POSTGRES_SSLCERT' is only used when 'POSTGRES_SSLMODE' is require or verify-full",
    );
    expect(() =>
      fromEnv("T", { ...files, POSTGRES_SSLMODE: "require", POSTGRES_SSLKEY: join(dir, "none") }),
    ).toThrow("Environment variable 'POSTGRES_SSLKEY' names a file that can't be read");
    const error = errorOf(() =>
      fromEnv("T", {
        ...files,
        POSTGRES_SSLMODE: "require",
        POSTGRES_SSLKEY: certs.stranger.key,
      }),
    );
    expect(error.message).toBe(
      "Environment variable 'POSTGRES_SSLKEY' is not the private key of 'POSTGRES_SSLCERT' (CN=postgres)",
    );
  });

  it("asks for TLS when POSTGRES_SSLMODE says so, failing with an OperationalError if the server has none", async () => {
    // The test server has no TLS: a client that requires it must not fall back to plain text.
    const factory = fromEnv("T", { POSTGRES_SSLMODE: "require" });
    const error = await factory.datastore.query("SELECT 1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).toMatch(/SSL/);
    await factory.close();
  });
});

describe("tables", () => {
  it("are named after the application, in POSTGRES_SCHEMA, created with it", async () => {
    const schema = `s_${uniquePrefix()}`;
    const factory = fromEnv("Worlds", { POSTGRES_SCHEMA: schema });
    expect((await factory.applicationRecorder()).eventsTable.qualified).toBe(
      `"${schema}"."worlds_events"`,
    );
    await factory.aggregateRecorder("snapshots");
    await factory.processRecorder();
    const tables = await factory.datastore.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
      [schema],
    );
    expect(tables.map((row) => row.table_name)).toEqual([
      "worlds_events",
      "worlds_snapshots",
      "worlds_tracking",
    ]);
    await factory.close();
  });

  it("are refused when the application's name can't make them, before anything is opened", () => {
    expect(() => fromEnv('x"; drop table y; --', {})).toThrow(ProgrammingError);
    expect(() => fromEnv("a".repeat(54), {})).toThrow(
      `Invalid table name '${"a".repeat(54)}_snapshots'`,
    );
    expect(() => fromEnv("T", { POSTGRES_SCHEMA: "bad name" })).toThrow(
      "Environment variable 'POSTGRES_SCHEMA' is invalid",
    );
  });

  it("work for the longest names, whose indexes get shortened names that don't collide", async () => {
    const name = `l${uniquePrefix()}`.padEnd(53, "x");
    const factory = fromEnv(name, {});
    const events = await factory.processRecorder();
    const snapshots = await factory.aggregateRecorder("snapshots");
    expect(snapshots.eventsTable.name).toHaveLength(63);
    expect(
      await events.insertEvents([
        { originatorId: "a", originatorVersion: 1, topic: "t", state: new Uint8Array() },
      ]),
    ).toEqual([1]);
    await snapshots.insertEvents([
      { originatorId: "a", originatorVersion: 1, topic: "t", state: new Uint8Array() },
    ]);
    await factory.close();
  });

  it("get the topic index if they were made before it, and are read by topic either way", async () => {
    const name = uniquePrefix();
    const factory = fromEnv(name, {});
    const recorder = await factory.applicationRecorder();
    const index = `"public".${recorder.eventsTable.derived("topic_idx")}`;
    const present = async (made: PostgresFactory) =>
      (await made.datastore.query("SELECT to_regclass($1) AS found", [index]))[0]?.found !== null;
    expect(await present(factory)).toBe(true);
    // A table as an earlier version made it: without the index.
    await factory.datastore.execute(`DROP INDEX ${index}`);
    const state = new Uint8Array();
    await recorder.insertEvents([
      { originatorId: "a", originatorVersion: 1, topic: "A", state },
      { originatorId: "a", originatorVersion: 2, topic: "B", state },
    ]);
    const ofB = () => recorder.selectNotifications(1, 10, { topics: ["B"] });
    expect((await ofB()).map((n) => n.id)).toEqual([2]);
    await factory.close();

    const again = fromEnv(name, {});
    await again.applicationRecorder();
    expect(await present(again)).toBe(true);
    await again.close();
  });

  it("are not created with CREATE_TABLE=n: using them is a ProgrammingError naming them", async () => {
    const name = uniquePrefix();
    const factory = fromEnv(name, { CREATE_TABLE: "n" });
    const recorder = await factory.processRecorder();
    await expect(recorder.maxNotificationId()).rejects.toThrow(ProgrammingError);
    await expect(recorder.maxTrackingId("x")).rejects.toThrow(`${name}_tracking" does not exist`);
    await factory.close();
  });
});

describe("connections", () => {
  it("carry the settings and the application's name to the server", async () => {
    const name = uniquePrefix();
    const factory = fromEnv(name, {
      POSTGRES_LOCK_TIMEOUT: "3",
      POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT: "4",
    });
    expect(
      await factory.datastore.query(
        "SELECT current_setting('lock_timeout') AS lock, current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('application_name') AS name",
      ),
    ).toEqual([{ lock: "3s", idle: "4s", name }]);
    await factory.close();
  });
});

describe("the password", () => {
  it("never appears in an inspected application, factory or datastore, used or not", async () => {
    const password = server().POSTGRES_PASSWORD;
    class Vault extends Application {
      static override applicationName = uniquePrefix();
    }
    const app = new Vault({ env: { INFRASTRUCTURE_FACTORY: "@es/postgres", ...server() } });
    await app.save(Note.create());
    const factory = app.factory as PostgresFactory;
    for (const shown of [app, factory, factory.datastore, factory.options]) {
      const text = inspect(shown, { depth: 20, showHidden: true });
      expect(text).not.toContain(password);
      expect(JSON.stringify(shown) ?? "").not.toContain(password);
    }
    await app.close();
  });

  it("never appears in the error of a refused login", async () => {
    const secret = "correct horse battery staple";
    const factory = new PostgresFactory({ ...connection(), password: secret });
    const error = await factory.datastore.query("SELECT 1").catch((e: unknown) => e);
    await factory.close();
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).toMatch(/password authentication failed .*\(SQLSTATE 28P01\)/);
    const text = `${inspect(error, { depth: 10, showHidden: true })} ${String((error as Error).stack)}`;
    expect(text).not.toContain(secret);
  });
});
