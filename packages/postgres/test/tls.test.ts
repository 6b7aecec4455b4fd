/**
 * TLS, against a server of the test's own that takes TLS connections with a certificate for
 * `localhost` and `127.0.0.1` signed by a test authority: `require` encrypts, `verify-full`
 * encrypts and checks the certificate against the authorities given, and a certificate that
 * can't be trusted is an OperationalError, never a fallback to plain text.
 */
import { join } from "node:path";
import { Environment, OperationalError } from "@es/persistence-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresFactory } from "../src/index.js";
import { type StartedServer, startServer } from "./global-setup.js";

let server: StartedServer;
beforeAll(async () => {
  server = await startServer({ tls: true });
});
afterAll(() => server?.stop());

async function encrypted(values: Record<string, string>): Promise<boolean> {
  const made = PostgresFactory.fromEnvironment(
    new Environment("Tls", { ...server.variables, ...values }),
  );
  try {
    const [row] = await made.datastore.query(
      "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    );
    return row?.ssl === true;
  } finally {
    await made.close();
  }
}

describe("TLS", () => {
  const ca = join(import.meta.dirname, "tls", "ca.crt");

  it("encrypts with verify-full, checking the server's certificate against POSTGRES_SSLROOTCERT", async () => {
    expect(await encrypted({ POSTGRES_SSLMODE: "verify-full", POSTGRES_SSLROOTCERT: ca })).toBe(
      true,
    );
  });

  it("encrypts with require, without checking the certificate", async () => {
    expect(await encrypted({ POSTGRES_SSLMODE: "require" })).toBe(true);
  });

  it("connects in plain text with disable", async () => {
    expect(await encrypted({ POSTGRES_SSLMODE: "disable" })).toBe(false);
  });

  it("refuses a certificate no given authority signed, with an OperationalError", async () => {
    const error = await encrypted({ POSTGRES_SSLMODE: "verify-full" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).toMatch(/Can't make a TLS connection .*certificate/);
  });
});
