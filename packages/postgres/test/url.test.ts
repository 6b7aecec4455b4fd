/**
 * A connection URL in place of the host, port, user, password and database: `postgres({ url })`
 * or `POSTGRES_URL`. The user and password are percent-decoded; given with the options (or
 * variables) it replaces, or malformed, it is a ConfigurationError that names the problem and
 * never shows the password.
 */
import { inspect } from "node:util";
import { Application } from "@es/application";
import { Aggregate, aggregate, event } from "@es/domain";
import { ConfigurationError, Environment } from "@es/persistence-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresFactory, type PostgresUrlOptions, postgres } from "../src/index.js";
import { client, server, uniquePrefix } from "./server.js";

@aggregate("UrlNote")
class Note extends Aggregate {
  text = "";
  @event("Written")
  write(text: string) {
    this.text = text;
  }
}

/** A login of the test's own, whose password needs percent-encoding in a URL. */
const role = `u_${uniquePrefix()}`;
const password = "p@ss:w/rd %#?&=é";
const schema = `s_${uniquePrefix()}`;
beforeAll(async () => {
  const admin = await client();
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  await admin.query(`CREATE SCHEMA ${schema} AUTHORIZATION ${role}`);
  // The recorders make their schema if missing: CREATE SCHEMA IF NOT EXISTS asks for this.
  await admin.query(`GRANT CREATE ON DATABASE ${server().POSTGRES_DBNAME} TO ${role}`);
  await admin.end();
});
afterAll(async () => {
  const admin = await client();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.query(`DROP OWNED BY ${role}`);
  await admin.query(`DROP ROLE IF EXISTS ${role}`);
  await admin.end();
});

const { POSTGRES_HOST: host, POSTGRES_PORT: port, POSTGRES_DBNAME: database } = server();
const url = `postgres://${role}:${encodeURIComponent(password)}@${host}:${port}/${database}`;

const errorOf = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("no error");
};

describe("a connection URL", () => {
  it("connects with its user and percent-encoded password: an application saves and reads", async () => {
    class Notes extends Application {
      static override applicationName = "UrlNotes";
    }
    const app = new Notes({ infrastructure: postgres({ url, schema }) });
    const note = Note.create();
    note.write("by URL");
    await app.save(note);
    expect(((await app.repository.get(note.id)) as Note).text).toBe("by URL");
    const factory = app.factory as PostgresFactory;
    expect(factory.options).toMatchObject({ host, port: Number(port), user: role, database });
    expect(await factory.datastore.query("SELECT current_user AS user")).toEqual([{ user: role }]);
    for (const shown of [app, factory, factory.datastore, factory.options]) {
      expect(inspect(shown, { depth: 20, showHidden: true })).not.toContain(password);
      expect(inspect(shown, { depth: 20, showHidden: true })).not.toContain(
        encodeURIComponent(password),
      );
    }
    await app.close();
  });

  it("is read from POSTGRES_URL, which an inspected application shows without its password", async () => {
    class Notes extends Application {
      static override applicationName = "EnvUrlNotes";
    }
    const app = new Notes({
      env: {
        INFRASTRUCTURE_FACTORY: "@es/postgres",
        POSTGRES_URL: url,
        POSTGRES_SCHEMA: schema,
        // The test run's own server variables, which the URL replaces.
        POSTGRES_HOST: undefined,
        POSTGRES_PORT: undefined,
        POSTGRES_USER: undefined,
        POSTGRES_PASSWORD: undefined,
        POSTGRES_DBNAME: undefined,
      },
    });
    await app.save(Note.create());
    expect(
      await (app.factory as PostgresFactory).datastore.query("SELECT current_user AS user"),
    ).toEqual([{ user: role }]);
    const shown = inspect(app, { depth: 20, showHidden: true });
    expect(shown).not.toContain(encodeURIComponent(password));
    expect(shown).toContain(`postgres://${role}:<redacted>@`);
    await app.close();
  });

  it("reads sslmode and connect_timeout, and an IPv6 address in brackets", () => {
    const factory = new PostgresFactory({
      url: "postgresql://me@[::1]:6543/db?sslmode=REQUIRE&connect_timeout=7",
    });
    expect(factory.options).toMatchObject({
      host: "::1",
      port: 6543,
      user: "me",
      database: "db",
      sslMode: "require",
      connectTimeoutMs: 7_000,
    });
    expect(new PostgresFactory({ url: "postgres://me@db.example.com/db" }).options.port).toBe(5432);
  });

  it("takes the other options beside it, but none it sets itself", () => {
    const beside = new PostgresFactory({ url, sslMode: "require", maxConnections: 2 });
    expect(beside.options).toMatchObject({ sslMode: "require", maxConnections: 2 });
    const twice = { url, host: "elsewhere", password: "other" } as unknown as PostgresUrlOptions;
    expect(() => postgres(twice)).toThrow(
      new ConfigurationError(
        "option 'url' of @es/postgres can't be given with 'host', 'password': the URL sets them",
      ),
    );
    expect(() => postgres({ url: `${url}?sslmode=require`, sslMode: "require" })).toThrow(
      "option 'url' of @es/postgres can't be given with 'sslMode': the URL sets it",
    );
  });

  it("in POSTGRES_URL can't be given with the variables it replaces, nor with one it sets", () => {
    const fromEnv = (values: Record<string, string>) =>
      PostgresFactory.fromEnvironment(new Environment("Worlds", values));
    expect(() =>
      fromEnv({ POSTGRES_URL: url, POSTGRES_HOST: "h", WORLDS_POSTGRES_PASSWORD: "" }),
    ).toThrow(
      new ConfigurationError(
        "Environment variable 'POSTGRES_URL' can't be given with 'POSTGRES_HOST', 'WORLDS_POSTGRES_PASSWORD': the URL names the server and the login",
      ),
    );
    expect(() =>
      fromEnv({ WORLDS_POSTGRES_URL: `${url}?sslmode=require`, POSTGRES_SSLMODE: "disable" }),
    ).toThrow(
      "Environment variable 'WORLDS_POSTGRES_URL' sets sslmode, and so does 'POSTGRES_SSLMODE': give it once",
    );
    expect(fromEnv({ POSTGRES_URL: url, POSTGRES_SSLMODE: "require" }).options.sslMode).toBe(
      "require",
    );
    expect(() =>
      fromEnv({ POSTGRES_URL: `${url}?sslrootcert=${encodeURIComponent(import.meta.filename)}` }),
    ).toThrow(
      "The parameter 'sslrootcert' of environment variable 'POSTGRES_URL' is only used when 'POSTGRES_SSLMODE' is verify-full",
    );
  });

  const secret = "s3cret-pw";
  it.each([
    [
      `postgres://u:${secret}@host:99999/db`,
      "is not a valid URL: expected postgres://user:password@host:port/database",
    ],
    [`http://u:${secret}@host/db`, "is not a postgres:// or postgresql:// URL"],
    [
      `postgres://u:${secret}@host/db#x`,
      "has a fragment: a '#' in the password must be percent-encoded, as %23",
    ],
    [`postgres://u:%zz${secret}@host/db`, "has a password that is not validly percent-encoded"],
    [`postgres://:${secret}@host/db`, "names no user"],
    [`postgres://u:${secret}@host`, "names no database"],
    [`postgres://u:${secret}@host:0/db`, "names port 0"],
    [`postgres://u:${secret}@h1,h2/db`, "names several hosts: only one is supported"],
    [
      `postgres://u:${secret}@host/db?sslmode=prefer`,
      'has an sslmode that isn\'t supported: "prefer"',
    ],
    [
      `postgres://u:${secret}@host/db?channel_binding=require`,
      "has the parameter 'channel_binding', which isn't supported",
    ],
    [
      `postgres://u:${secret}@host/db?connect_timeout=soon`,
      "has a connect_timeout that isn't whole seconds",
    ],
    [
      `postgres://u:${secret}@host/db?sslmode=require&sslkey=/no/such/key.pem`,
      "The parameter 'sslkey' of option 'url' of @es/postgres names a file that can't be read",
    ],
    [
      `postgres://u:${secret}@host/db?sslrootcert=${import.meta.filename}`,
      "The parameter 'sslrootcert' of option 'url' of @es/postgres is only used when 'sslMode' is verify-full",
    ],
  ])(
    "%s is refused with a ConfigurationError that names the problem, not the password",
    (bad, problem) => {
      const error = errorOf(() => postgres({ url: bad }));
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).toContain(problem);
      expect(error.message).toMatch(/^(option 'url' of @es\/postgres|The parameter)/);
      const everything = `${inspect(error, { depth: 10, showHidden: true })} ${error.stack}`;
      expect(everything).not.toContain(secret);
    },
  );

  it("in POSTGRES_URL, malformed, is refused naming the variable, not the password", () => {
    const error = errorOf(() =>
      PostgresFactory.fromEnvironment(
        new Environment("Worlds", { WORLDS_POSTGRES_URL: "postgres://u:s3cret-pw@host:port/db" }),
      ),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe(
      "Environment variable 'WORLDS_POSTGRES_URL' is not a valid URL: expected postgres://user:password@host:port/database",
    );
    expect(inspect(error, { showHidden: true })).not.toContain("s3cret");
  });
});
