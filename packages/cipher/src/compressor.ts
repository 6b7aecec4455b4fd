/** Compressors for stored state, from node:zlib. */
import { deflateSync, inflateSync } from "node:zlib";
import { messageOf } from "@es/domain";
import { type Compressor, DataError } from "@es/persistence-core";

/** Limits of a `ZlibCompressor`. */
export interface ZlibCompressorOptions {
  /**
   * The most bytes a decompressed state may have (default 64 MiB). A few kilobytes of stored
   * state can inflate to gigabytes; a state that would exceed this is refused, not inflated.
   */
  readonly maxOutputBytes?: number;
}

/** zlib (deflate) compression, the format of the Python original's `ZlibCompressor`. */
export class ZlibCompressor implements Compressor {
  /** The most bytes a decompressed state may have when no limit is given: 64 MiB. */
  static readonly DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

  readonly #level: number;
  readonly #maxOutputBytes: number;

  /** `level` 1 (fastest) to 9 (smallest); default 6, as zlib's. */
  constructor(
    level = 6,
    { maxOutputBytes = ZlibCompressor.DEFAULT_MAX_OUTPUT_BYTES }: ZlibCompressorOptions = {},
  ) {
    if (!Number.isInteger(level) || level < 1 || level > 9) {
      throw new RangeError(
        `zlib level must be an integer from 1 to 9, got ${String(level).slice(0, 20)}`,
      );
    }
    if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 1) {
      throw new RangeError("maxOutputBytes must be a positive integer");
    }
    this.#level = level;
    this.#maxOutputBytes = maxOutputBytes;
  }

  compress(data: Uint8Array): Uint8Array {
    return new Uint8Array(deflateSync(data, { level: this.#level }));
  }

  decompress(data: Uint8Array): Uint8Array {
    try {
      return new Uint8Array(inflateSync(data, { maxOutputLength: this.#maxOutputBytes }));
    } catch (error) {
      const tooLarge = (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
      throw new DataError(
        tooLarge
          ? `Can't decompress: the state would be larger than the limit of ${this.#maxOutputBytes} bytes`
          : `Can't decompress: ${messageOf(error)}`,
        { cause: error },
      );
    }
  }
}

/** zlib at level 1: most of the saving for a fraction of the time, for write-heavy stores. */
export class FastZlibCompressor extends ZlibCompressor {
  constructor(options: ZlibCompressorOptions = {}) {
    super(1, options);
  }
}
