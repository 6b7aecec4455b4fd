/**
 * An event's hash is what the integrity docs define, byte for byte: stores hashed by one
 * version of the library must verify with the next, and with a verifier written elsewhere.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eventHash, genesisHash, isEventHash, type StoredEvent } from "../src/index.js";

/** The definition, written out plainly: SHA-256 of length-prefixed UTF-8 fields. */
function field(bytes: Uint8Array): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(bytes.byteLength);
  return Buffer.concat([prefix, bytes]);
}
const text = (value: string) => field(Buffer.from(value, "utf8"));

function expectedGenesis(application: string, id: string): Buffer {
  return createHash("sha256")
    .update(Buffer.concat([text("es event hash v1"), text(application), text(id)]))
    .digest();
}

function expectedHash(previous: Uint8Array, event: StoredEvent): Buffer {
  const version = Buffer.alloc(8);
  version.writeBigUInt64BE(BigInt(event.originatorVersion));
  return createHash("sha256")
    .update(
      Buffer.concat([
        field(previous),
        text(event.originatorId),
        version,
        text(event.topic),
        field(event.state),
      ]),
    )
    .digest();
}

const events: StoredEvent[] = [
  { originatorId: "a", originatorVersion: 1, topic: "T", state: new Uint8Array([1, 2, 3]) },
  {
    originatorId: "ünïcödé 🌍 id",
    originatorVersion: 2 ** 40 + 7,
    topic: "modèle:Wörld.Créé ✓",
    state: new Uint8Array(5000).fill(0xab),
  },
  { originatorId: "a", originatorVersion: 2, topic: "U", state: new Uint8Array(0) },
];

describe("event hashes", () => {
  it("are SHA-256 of the length-prefixed fields, chained from a genesis of the application and aggregate", () => {
    for (const [application, id] of [
      ["Worlds", "a"],
      ["Wörlds", "ünïcödé 🌍 id"],
    ] as const) {
      expect(Buffer.from(genesisHash(application, id))).toEqual(expectedGenesis(application, id));
    }
    let previous: Uint8Array = genesisHash("Worlds", "a");
    for (const event of events) {
      const hash = eventHash(previous, event);
      expect(Buffer.from(hash)).toEqual(expectedHash(previous, event));
      expect(isEventHash(previous, event, hash)).toBe(true);
      previous = hash;
    }
  });

  it("are refused with any byte or the length wrong", () => {
    const previous = genesisHash("Worlds", "a");
    const event = events[0] as StoredEvent;
    const hash = eventHash(previous, event);
    for (let i = 0; i < hash.byteLength; i += 7) {
      const wrong = Uint8Array.from(hash);
      wrong[i] = (wrong[i] as number) ^ 1;
      expect(isEventHash(previous, event, wrong)).toBe(false);
    }
    expect(isEventHash(previous, event, hash.subarray(0, 31))).toBe(false);
    expect(isEventHash(previous, event, Buffer.concat([hash, Buffer.alloc(1)]))).toBe(false);
    expect(isEventHash(previous, { ...event, topic: "T2" }, hash)).toBe(false);
    expect(isEventHash(genesisHash("Worlds", "b"), event, hash)).toBe(false);
  });
});
