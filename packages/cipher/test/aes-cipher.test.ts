/** AESCipher. */
import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AESCipher, CipherError } from "../src/index.js";

describe("AESCipher", () => {
  it.each([16, 24, 32] as const)("creates %i-byte keys the constructor accepts", (size) => {
    const key = AESCipher.createKey(size);
    expect(Buffer.from(key, "base64")).toHaveLength(size);
    expect(() => new AESCipher(key)).not.toThrow();
  });

  it.each([12, 20, 28, 36])("refuses %i-byte keys", (size) => {
    expect(() => AESCipher.createKey(size as 16)).toThrow(CipherError);
    const key = randomBytes(size).toString("base64");
    expect(() => new AESCipher(key)).toThrow(`Invalid key size: ${size} not in (16, 24, 32)`);
  });

  it("refuses keys that are not base64", () => {
    expect(() => new AESCipher("not base64!")).toThrow(
      "Invalid cipher key: expected a base64 string",
    );
  });

  it("round-trips with another instance on the same key; version ‖ nonce ‖ tag ‖ data", () => {
    const key = AESCipher.createKey(32);
    const plaintext = new TextEncoder().encode("some text");
    const ciphertext = new AESCipher(key).encrypt(plaintext);
    expect(ciphertext).toHaveLength(1 + 12 + 16 + plaintext.length);
    expect(ciphertext[0]).toBe(1);
    expect(Buffer.from(ciphertext).includes(Buffer.from(plaintext))).toBe(false);
    expect(new TextDecoder().decode(new AESCipher(key).decrypt(ciphertext))).toBe("some text");
    // A random nonce: the same plaintext encrypts differently each time.
    expect(new AESCipher(key).encrypt(plaintext)).not.toEqual(ciphertext);
  });

  it("refuses damaged ciphertext and other keys with CipherError", () => {
    const key = AESCipher.createKey(16);
    const cipher = new AESCipher(key);
    const ciphertext = cipher.encrypt(new TextEncoder().encode("some longer text, to be damaged"));
    expect(() => cipher.decrypt(ciphertext.subarray(0, 10))).toThrow(
      "Damaged cipher text: invalid nonce length",
    );
    expect(() => cipher.decrypt(ciphertext.subarray(0, 20))).toThrow(
      "Damaged cipher text: invalid tag length",
    );
    expect(() => cipher.decrypt(ciphertext.subarray(0, 31))).toThrow(
      "Cipher text is damaged: MAC check failed",
    );
    const altered = Uint8Array.from(ciphertext);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => cipher.decrypt(altered)).toThrow(CipherError);
    expect(() => new AESCipher(AESCipher.createKey(16)).decrypt(ciphertext)).toThrow(CipherError);
  });
});

describe("associated data", () => {
  const key = AESCipher.createKey();
  const cipher = new AESCipher(key);
  const plaintext = new TextEncoder().encode('{"secret":"B\'s"}');
  const of = (text: string) => new TextEncoder().encode(text);

  it("binds a ciphertext to its associated data", () => {
    const ciphertext = cipher.encrypt(plaintext, of("aggregate-b\n2"));
    expect(cipher.decrypt(ciphertext, of("aggregate-b\n2"))).toEqual(plaintext);
    for (const other of ["aggregate-a\n2", "aggregate-b\n3", ""]) {
      expect(() => cipher.decrypt(ciphertext, of(other))).toThrow(
        "Cipher text is damaged: MAC check failed",
      );
    }
    expect(() => cipher.decrypt(ciphertext)).toThrow(CipherError);
  });

  it("reads records in the unversioned layout (nonce ‖ tag ‖ data, no associated data)", () => {
    const nonce = randomBytes(12);
    const aes = createCipheriv("aes-256-gcm", Buffer.from(key, "base64"), nonce);
    const body = Buffer.concat([aes.update(plaintext), aes.final()]);
    const legacy = new Uint8Array(Buffer.concat([nonce, aes.getAuthTag(), body]));
    expect(cipher.decrypt(legacy, of("anything"))).toEqual(plaintext);
    expect(cipher.decrypt(legacy)).toEqual(plaintext);
  });
});
