/**
 * Secrets never leak: no error, warning or inspected object contains a cipher key (or any
 * variable whose name says it is secret). A bad key is described (its encoding, its length),
 * never echoed, by a `ConfigurationError` naming the variable that was read.
 */
import { inspect } from "node:util";
import { AESCipher } from "@es/cipher";
import { ConfigurationError, Environment, InfrastructureFactory } from "@es/persistence-core";
import { describe, expect, it } from "vitest";
import { Application } from "../src/index.js";

const key = AESCipher.createKey();

/** Every configuration mistake these tests make, with the error it gave. */
async function configurationErrors(): Promise<unknown[]> {
  const attempts: Record<string, string>[] = [
    { CIPHER_KEY: key, CIPHER_TOPIC: "@es/cipher:ZlibCompressor" },
    { CIPHER_KEY: key, CIPHER_TOPIC: "@es/persistence-core:ConfigurationError" },
    { CIPHER_KEY: key, CIPHER_TOPIC: "@es/cipher:NoSuchCipher" },
    { CIPHER_KEY: key, COMPRESSOR_TOPIC: "@es/cipher:AESCipher" },
    { CIPHER_KEY: key, INFRASTRUCTURE_FACTORY: "@es/cipher:AESCipher" },
    { CIPHER_KEY: `${key}!` },
    { CIPHER_KEY: key.slice(0, 20) },
    { WORLDS_CIPHER_KEY: "A".repeat(1_000_000) },
  ];
  const errors: unknown[] = [];
  for (const env of attempts) {
    errors.push(
      await InfrastructureFactory.construct({ applicationName: "Worlds", env }).then(
        () => new Error(`no error for ${Object.keys(env)}`),
        (error: unknown) => error,
      ),
    );
  }
  return errors;
}

describe("secrets", () => {
  it("never puts the key in an error", async () => {
    const errors = await configurationErrors();
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConfigurationError);
      const text = `${inspect(error, { depth: 10 })} ${String((error as Error).stack)}`;
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(0, 20));
      expect(text).not.toContain("A".repeat(64));
    }
  });

  it("describes a bad key, naming the variable read, prefixed where it was", async () => {
    await expect(
      InfrastructureFactory.construct({ env: { CIPHER_KEY: `${key}!` } }),
    ).rejects.toThrow(
      "Environment variable 'CIPHER_KEY' is invalid: Invalid cipher key: expected a base64 string",
    );
    await expect(
      InfrastructureFactory.construct({
        applicationName: "Worlds",
        env: { WORLDS_CIPHER_KEY: Buffer.alloc(20).toString("base64"), CIPHER_KEY: key },
      }),
    ).rejects.toThrow(
      "Environment variable 'WORLDS_CIPHER_KEY' is invalid: Invalid key size: 20 not in (16, 24, 32)",
    );
    await expect(
      InfrastructureFactory.construct({ env: { CIPHER_KEY: "A".repeat(1_000_000) } }),
    ).rejects.toThrow("Invalid key size: 750000 not in (16, 24, 32)");
  });

  it("refuses a cipher topic that names no cipher, or a compressor topic a cipher, at construction", async () => {
    await expect(
      InfrastructureFactory.construct({
        env: { CIPHER_KEY: key, CIPHER_TOPIC: "@es/cipher:ZlibCompressor" },
      }),
    ).rejects.toThrow(
      "Not a cipher class: @es/cipher:ZlibCompressor (from 'CIPHER_TOPIC'): expected a class with encrypt() and decrypt() methods",
    );
    await expect(
      InfrastructureFactory.construct({
        env: { CIPHER_KEY: key, CIPHER_TOPIC: "@es/persistence-core:ConfigurationError" },
      }),
    ).rejects.toBeInstanceOf(ConfigurationError);
    await expect(
      InfrastructureFactory.construct({ env: { COMPRESSOR_TOPIC: "@es/cipher:AESCipher" } }),
    ).rejects.toThrow(
      "Not a compressor: @es/cipher:AESCipher (from 'COMPRESSOR_TOPIC'): expected compress() and decompress() methods",
    );
  });

  it("never shows the key when an application, its factory or environment is inspected", async () => {
    class Vault extends Application {
      static override applicationName = "Vault";
    }
    const app = new Vault({ env: { CIPHER_KEY: key, APP_PASSWORD: "hunter2", PLAIN: "shown" } });
    await app.ready;
    const env = new Environment("Vault", { VAULT_CIPHER_KEY: key, PLAIN: "shown" });
    for (const shown of [app, app.factory, app.env, app.factory.env, app.mapper, env, env.values]) {
      const text = inspect(shown, { depth: 10, showHidden: true });
      expect(text).not.toContain(key);
      expect(text).not.toContain("hunter2");
    }
    expect(inspect(app.env)).toContain("PLAIN: 'shown'");
    expect(inspect(app.env)).toContain("CIPHER_KEY: '<redacted>'");
    expect(JSON.stringify(app.factory)).not.toContain(key);
    await app.close();
  });
});
