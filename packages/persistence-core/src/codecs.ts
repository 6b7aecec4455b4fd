/** The byte-level stages a mapper may apply to stored state: compression, then encryption. */

/**
 * Encrypts and decrypts stored state. `decrypt` of damaged or foreign data must throw, never
 * return garbage. The mapper gives each event's originator id and version as associated
 * data: a cipher that authenticates it (AES-GCM does) makes state copied to another row
 * undecryptable there.
 */
export interface Cipher {
  /** The plaintext, encrypted; `associatedData` is authenticated with it, not stored in it. */
  encrypt(plaintext: Uint8Array, associatedData?: Uint8Array): Uint8Array;
  /**
   * The plaintext again. Throws (the library's `CipherError`, a `PersistenceError`) for a wrong
   * key, damaged data, or other associated data than it was encrypted with.
   */
  decrypt(ciphertext: Uint8Array, associatedData?: Uint8Array): Uint8Array;
}

/** Compresses and decompresses stored state. */
export interface Compressor {
  /** The data, compressed. */
  compress(data: Uint8Array): Uint8Array;
  /** The data again. Throws a `DataError` for data that isn't what `compress` made. */
  decompress(data: Uint8Array): Uint8Array;
}
