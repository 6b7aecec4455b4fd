/** Compressors. */

import { DataError } from "@es/persistence-core";
import { describe, expect, it } from "vitest";
import { FastZlibCompressor, ZlibCompressor } from "../src/index.js";

describe("zlib compressors", () => {
  const data = new TextEncoder().encode(JSON.stringify({ history: Array(50).fill("dinosaurs") }));

  it.each([
    ["ZlibCompressor", new ZlibCompressor()],
    ["FastZlibCompressor", new FastZlibCompressor()],
  ])("%s round-trips and shrinks repetitive data", (_name, compressor) => {
    const compressed = compressor.compress(data);
    expect(compressed.length).toBeLessThan(data.length);
    expect(compressor.decompress(compressed)).toEqual(data);
    // The zlib format: readable by any zlib, including the Python original's.
    expect(new ZlibCompressor().decompress(compressed)).toEqual(data);
  });

  it("refuses data that is not zlib, and bad levels", () => {
    expect(() => new ZlibCompressor().decompress(new Uint8Array([1, 2, 3]))).toThrow(DataError);
    expect(() => new ZlibCompressor(0)).toThrow(RangeError);
  });
});
