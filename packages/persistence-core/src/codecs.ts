/** The byte-level stages a mapper may apply to stored state: compression, then encryption. */

/**
 * Encrypts and decrypts stored state. `decrypt` of damaged or foreign data must throw, never
 * return garbage. The mapper gives each event's originator id and version as associated
 * data: a cipher that authenticates it (AES-GCM does) makes state copied to another row
 * undecryptable there.
 */
export interface Cipher {
  encrypt(plaintext: Uint8Array, associatedData?: Uint8Array): Uint8Array;
  decrypt(ciphertext: Uint8Array, associatedData?: Uint8Array): Uint8Array;
}

/** Compresses and decompresses stored state. */
export interface Compressor {
  compress(data: Uint8Array): Uint8Array;
  decompress(data: Uint8Array): Uint8Array;
}
