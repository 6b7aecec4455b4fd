/**
 * Encryption and compression through the mapper and the infrastructure factory.
 */
import { Aggregate, DomainEvent, event, uuid4 } from "@es/domain";
import {
  InfrastructureFactory,
  JSONTranscoder,
  Mapper,
  StoredEventDecodingError,
  storedEvent,
} from "@es/persistence-core";
import { describe, expect, it } from "vitest";
import { AESCipher, ZlibCompressor } from "../src/index.js";

class Ledger extends Aggregate {
  entries: string[] = [];
  @event("Entered")
  enter(entry: string) {
    this.entries.push(entry);
  }
}

function ledgerEvents() {
  const ledger = Ledger.create();
  ledger.enter("a fairly long entry ".repeat(10));
  return ledger.collectEvents();
}

describe("mapper with cipher and compressor", () => {
  const domainEvent = new DomainEvent({
    originatorId: uuid4(),
    originatorVersion: 1,
    timestamp: new Date(),
  });

  it("hides the state and still round-trips", () => {
    const plain = new Mapper({ transcoder: new JSONTranscoder() });
    expect(new TextDecoder().decode(plain.fromDomainEvent(domainEvent).state)).toContain(
      domainEvent.timestamp.toISOString(),
    );
    const mapper = new Mapper({
      transcoder: new JSONTranscoder(),
      cipher: new AESCipher(AESCipher.createKey(32)),
    });
    const stored = mapper.fromDomainEvent(domainEvent);
    expect(Buffer.from(stored.state).toString("latin1")).not.toContain(
      domainEvent.timestamp.toISOString(),
    );
    expect(mapper.toDomainEvent(stored)).toEqual(domainEvent);
    expect(stored.state.length).toBe(plain.fromDomainEvent(domainEvent).state.length + 29);
  });

  it("compresses then encrypts: no larger than encrypted alone", () => {
    const cipher = new AESCipher(AESCipher.createKey(16));
    const encrypted = new Mapper({ transcoder: new JSONTranscoder(), cipher });
    const both = new Mapper({
      transcoder: new JSONTranscoder(),
      cipher,
      compressor: new ZlibCompressor(),
    });
    for (const e of ledgerEvents()) {
      const stored = both.fromDomainEvent(e);
      expect(stored.state.length).toBeLessThanOrEqual(encrypted.fromDomainEvent(e).state.length);
      expect(both.toDomainEvent(stored)).toEqual(e);
      // Decrypting (with the row as associated data) gives zlib data, which inflates to the state.
      const row = new TextEncoder().encode(`${stored.originatorId}\n${stored.originatorVersion}`);
      const inflated = new ZlibCompressor().decompress(cipher.decrypt(stored.state, row));
      expect(new TextDecoder().decode(inflated)).toContain('"timestamp":{"_type_":"datetime_iso"');
    }
  });

  it("fails with a typed error naming the event when the key is wrong", () => {
    const one = new Mapper({
      transcoder: new JSONTranscoder(),
      cipher: new AESCipher(AESCipher.createKey(16)),
    });
    const other = new Mapper({
      transcoder: new JSONTranscoder(),
      cipher: new AESCipher(AESCipher.createKey(16)),
    });
    const stored = one.fromDomainEvent(domainEvent);
    expect(() => other.toDomainEvent(stored)).toThrow(StoredEventDecodingError);
    expect(() => other.toDomainEvent(stored)).toThrow(/MAC check failed/);
  });
});

describe("factory codecs from the environment", () => {
  it("constructs a compressor from COMPRESSOR_TOPIC", async () => {
    const factory = await InfrastructureFactory.construct({
      applicationName: "TestCase",
      env: { COMPRESSOR_TOPIC: "@es/cipher:ZlibCompressor" },
    });
    expect(factory.mapper().compressor).toBeInstanceOf(ZlibCompressor);
    expect(factory.mapper().cipher).toBeUndefined();
  });

  it("uses AESCipher when only CIPHER_KEY is set, and both codecs when both are", async () => {
    const key = AESCipher.createKey(16);
    const cipherOnly = await InfrastructureFactory.construct({ env: { CIPHER_KEY: key } });
    expect(cipherOnly.mapper().cipher).toBeInstanceOf(AESCipher);
    expect(cipherOnly.mapper().compressor).toBeUndefined();
    const both = await InfrastructureFactory.construct({
      env: {
        CIPHER_TOPIC: "@es/cipher:AESCipher",
        CIPHER_KEY: key,
        COMPRESSOR_TOPIC: "@es/cipher:ZlibCompressor",
      },
    });
    expect(both.mapper().cipher).toBeInstanceOf(AESCipher);
    expect(both.mapper().compressor).toBeInstanceOf(ZlibCompressor);
  });

  it("fails at construction on a malformed key", async () => {
    await expect(
      InfrastructureFactory.construct({ env: { CIPHER_KEY: "too short" } }),
    ).rejects.toThrow("Invalid cipher key: expected a base64 string");
    await expect(
      InfrastructureFactory.construct({ env: { CIPHER_KEY: Buffer.alloc(20).toString("base64") } }),
    ).rejects.toThrow("Invalid key size: 20 not in (16, 24, 32)");
  });

  it("keeps keys per application: one application's mapper can't read another's events", async () => {
    const env = {
      APP1_CIPHER_KEY: AESCipher.createKey(16),
      APP2_CIPHER_KEY: AESCipher.createKey(16),
    };
    const app1 = (await InfrastructureFactory.construct({ applicationName: "app1", env })).mapper();
    const app2 = (await InfrastructureFactory.construct({ applicationName: "app2", env })).mapper();
    const [created] = ledgerEvents();
    if (!created) throw new Error("no event");
    const stored = app1.fromDomainEvent(created);
    expect(app1.toDomainEvent(stored)).toEqual(created);
    expect(() => app2.toDomainEvent(stored)).toThrow(StoredEventDecodingError);
  });
});

describe("encrypted state is bound to its row", () => {
  it("refuses a state copied from one aggregate's row to another's, or to another version", () => {
    const mapper = new Mapper({
      transcoder: new JSONTranscoder(),
      cipher: new AESCipher(AESCipher.createKey()),
    });
    const [a, b] = [ledgerEvents(), ledgerEvents()];
    const fromA = mapper.fromDomainEvent(a[1] as NonNullable<(typeof a)[1]>);
    const fromB = mapper.fromDomainEvent(b[1] as NonNullable<(typeof b)[1]>);
    const copied = storedEvent({ ...fromA, state: fromB.state });
    expect(() => mapper.toDomainEvent(copied)).toThrow(StoredEventDecodingError);
    expect(() => mapper.toDomainEvent(copied)).toThrow(/MAC check failed/);
    const moved = storedEvent({ ...fromB, originatorVersion: 3 });
    expect(() => mapper.toDomainEvent(moved)).toThrow(StoredEventDecodingError);
    expect(mapper.toDomainEvent(fromB).originatorId).toBe(fromB.originatorId);
  });
});
