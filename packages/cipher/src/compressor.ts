/** Compressors for stored state, from node:zlib. */
import { deflateSync, inflateSync } from "node:zlib";
import { type Compressor, DataError } from "@es/persistence-core";

/** zlib (deflate) compression, the format of the Python original's `ZlibCompressor`. */
export class ZlibCompressor implements Compressor {
  readonly #level: number;

  /** `level` 1 (fastest) to 9 (smallest); default 6, as zlib's. */
  constructor(level = 6) {
    if (!Number.isInteger(level) || level < 1 || level > 9) {
      throw new RangeError(`zlib level must be an integer from 1 to 9, got ${level}`);
    }
    this.#level = level;
  }

  compress(data: Uint8Array): Uint8Array {
    return new Uint8Array(deflateSync(data, { level: this.#level }));
  }

  decompress(data: Uint8Array): Uint8Array {
    try {
      return new Uint8Array(inflateSync(data));
    } catch (error) {
      throw new DataError(`Can't decompress: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** zlib at level 1: most of the saving for a fraction of the time, for write-heavy stores. */
export class FastZlibCompressor extends ZlibCompressor {
  constructor() {
    super(1);
  }
}
