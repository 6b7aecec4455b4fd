/**
 * AES in GCM mode (authenticated encryption) with a random 96-bit nonce per message.
 *
 * Layout, version 1: `0x01` ‖ nonce (12 bytes) ‖ tag (16 bytes) ‖ ciphertext. The version byte
 * and the caller's associated data (the mapper gives each event's originator id and version)
 * are authenticated with the ciphertext, so a state copied from one row to another, or
 * altered, fails to decrypt rather than reading as the other row's. The leading byte lets the
 * layout change later. Records in the Python original's layout (nonce ‖ tag ‖ ciphertext, no
 * associated data) are still read. Decrypting with the wrong key, or damaged data, throws
 * `CipherError`; it never returns garbage.
 */
import { type CipherGCMTypes, createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { nameErrorClass } from "@es/domain";
import { type Cipher, PersistenceError } from "@es/persistence-core";

const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const KEY_LENGTHS = [16, 24, 32] as const;

/** A bad key, or ciphertext that can't be decrypted with it. */
export class CipherError extends PersistenceError {}
nameErrorClass(CipherError, "CipherError");

/**
 * AES-GCM encryption of stored state (authenticated: a wrong key or altered data fails to
 * decrypt, never reads as garbage). Selected by `CIPHER_KEY` (with `CIPHER_TOPIC`
 * `@es/cipher:AESCipher`, the default), or given in code.
 *
 * @example
 * ```ts
 * const key = AESCipher.createKey();
 * const app = new Worlds({ cipher: new AESCipher(key) }); // or env: { CIPHER_KEY: key }
 * ```
 */
export class AESCipher implements Cipher {
  readonly #key: Buffer;
  readonly #algorithm: CipherGCMTypes;

  /**
   * `cipherKey` is a base64 string of 16, 24 or 32 bytes (see `createKey`).
   *
   * @throws {@link CipherError} for a key that is not base64, or not of those sizes.
   */
  constructor(cipherKey: string) {
    if (typeof cipherKey !== "string" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(cipherKey.trim())) {
      throw new CipherError("Invalid cipher key: expected a base64 string");
    }
    const key = Buffer.from(cipherKey.trim(), "base64");
    if (!KEY_LENGTHS.includes(key.length as (typeof KEY_LENGTHS)[number])) {
      throw new CipherError(`Invalid key size: ${key.length} not in (16, 24, 32)`);
    }
    this.#key = key;
    this.#algorithm = `aes-${key.length * 8}-gcm` as CipherGCMTypes;
  }

  /** A new random key of `numBytes` (16, 24 or 32) bytes, base64-encoded. */
  static createKey(numBytes: 16 | 24 | 32 = 32): string {
    if (!KEY_LENGTHS.includes(numBytes)) {
      throw new CipherError(`Invalid key size: ${numBytes} not in (16, 24, 32)`);
    }
    return randomBytes(numBytes).toString("base64");
  }

  encrypt(plaintext: Uint8Array, associatedData?: Uint8Array): Uint8Array {
    const nonce = randomBytes(NONCE_LENGTH);
    const cipher = createCipheriv(this.#algorithm, this.#key, nonce, { authTagLength: TAG_LENGTH });
    cipher.setAAD(authenticated(associatedData));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return new Uint8Array(Buffer.concat([VERSION_1, nonce, cipher.getAuthTag(), body]));
  }

  decrypt(ciphertext: Uint8Array, associatedData?: Uint8Array): Uint8Array {
    if (ciphertext[0] === VERSION_1[0] && ciphertext.length >= 1 + NONCE_LENGTH + TAG_LENGTH) {
      const plaintext = this.#open(ciphertext.subarray(1), authenticated(associatedData));
      if (plaintext) return plaintext;
    }
    // The unversioned layout, as the Python original writes it (no associated data).
    if (ciphertext.length < NONCE_LENGTH)
      throw new CipherError("Damaged cipher text: invalid nonce length");
    if (ciphertext.length < NONCE_LENGTH + TAG_LENGTH) {
      throw new CipherError("Damaged cipher text: invalid tag length");
    }
    const plaintext = this.#open(ciphertext, undefined);
    if (plaintext) return plaintext;
    throw new CipherError("Cipher text is damaged: MAC check failed (wrong key or altered data)");
  }

  /** nonce ‖ tag ‖ body, opened; undefined when the tag doesn't match. */
  #open(sealed: Uint8Array, aad: Uint8Array | undefined): Uint8Array | undefined {
    const nonce = sealed.subarray(0, NONCE_LENGTH);
    const tag = sealed.subarray(NONCE_LENGTH, NONCE_LENGTH + TAG_LENGTH);
    const decipher = createDecipheriv(this.#algorithm, this.#key, nonce, {
      authTagLength: TAG_LENGTH,
    });
    decipher.setAuthTag(tag);
    if (aad) decipher.setAAD(aad);
    try {
      const body = decipher.update(sealed.subarray(NONCE_LENGTH + TAG_LENGTH));
      return new Uint8Array(Buffer.concat([body, decipher.final()]));
    } catch {
      return undefined;
    }
  }
}

const VERSION_1 = Buffer.from([1]);

/** What version 1 authenticates besides the ciphertext: the version byte, then the caller's data. */
function authenticated(associatedData: Uint8Array | undefined): Uint8Array {
  return associatedData ? Buffer.concat([VERSION_1, associatedData]) : VERSION_1;
}
