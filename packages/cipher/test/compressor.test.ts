/** Compressors. */

import { deflateSync } from "node:zlib";
import { uuid4 } from "@es/domain";
import {
  DataError,
  JSONTranscoder,
  Mapper,
  StoredEventDecodingError,
  storedEvent,
} from "@es/persistence-core";
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

describe("decompression has an output limit", () => {
  it("refuses a small stored state that would inflate past the limit", () => {
    const bomb = deflateSync(Buffer.alloc(2 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(5_000);
    const compressor = new ZlibCompressor(6, { maxOutputBytes: 1024 * 1024 });
    expect(() => compressor.decompress(bomb)).toThrow(DataError);
    expect(() => compressor.decompress(bomb)).toThrow(
      "Can't decompress: the state would be larger than the limit of 1048576 bytes",
    );
    expect(
      new ZlibCompressor(6, { maxOutputBytes: 3 * 1024 * 1024 }).decompress(bomb),
    ).toHaveLength(2 * 1024 * 1024);
  });

  it("limits by default, so a record can't exhaust memory", () => {
    expect(ZlibCompressor.DEFAULT_MAX_OUTPUT_BYTES).toBe(64 * 1024 * 1024);
    const bomb = deflateSync(Buffer.alloc(65 * 1024 * 1024));
    expect(() => new FastZlibCompressor().decompress(bomb)).toThrow(
      "larger than the limit of 67108864 bytes",
    );
  });

  it("makes an oversized record a StoredEventDecodingError naming it", () => {
    const compressor = new ZlibCompressor(6, { maxOutputBytes: 1024 });
    const mapper = new Mapper({ transcoder: new JSONTranscoder(), compressor });
    const state = `{"timestamp":null,"topic":"Aggregate","state":{"x":"${"a".repeat(4096)}"}}`;
    const stored = storedEvent({
      originatorId: uuid4(),
      originatorVersion: 3,
      topic: "Snapshot",
      state: deflateSync(Buffer.from(state)),
    });
    // Within the limit it decodes; past it, it is refused.
    const roomy = new Mapper({
      transcoder: new JSONTranscoder(),
      compressor: new ZlibCompressor(6, { maxOutputBytes: 8192 }),
    });
    expect(roomy.toDomainEvent(stored).originatorVersion).toBe(3);
    expect(() => mapper.toDomainEvent(stored)).toThrow(StoredEventDecodingError);
    expect(() => mapper.toDomainEvent(stored)).toThrow(`${stored.originatorId} version 3`);
  });
});
