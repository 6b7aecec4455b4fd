/** @es/cipher — AES-GCM encryption and zlib compression of stored events. */
export { AESCipher, CipherError } from "./aes-cipher.js";
export { FastZlibCompressor, ZlibCompressor, type ZlibCompressorOptions } from "./compressor.js";
