/**
 * Stored state comes back exactly through the mapper, compressed, encrypted, or both, for
 * generated values of every supported type.
 */
import { DomainEvent, uuid4 } from "@es/domain";
import { JSONTranscoder, Mapper } from "@es/persistence-core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exactly, storedValue } from "../../persistence-core/test/fixtures/values.js";
import { AESCipher, ZlibCompressor } from "../src/index.js";

const mappers = {
  plain: new Mapper({ transcoder: new JSONTranscoder() }),
  compressed: new Mapper({ transcoder: new JSONTranscoder(), compressor: new ZlibCompressor() }),
  encrypted: new Mapper({
    transcoder: new JSONTranscoder(),
    cipher: new AESCipher(AESCipher.createKey()),
  }),
  both: new Mapper({
    transcoder: new JSONTranscoder(),
    cipher: new AESCipher(AESCipher.createKey(16)),
    compressor: new ZlibCompressor(),
  }),
};

describe("property: what the mapper stores comes back exactly", () => {
  for (const [name, mapper] of Object.entries(mappers)) {
    it(`${name}`, () => {
      fc.assert(
        fc.property(storedValue, (value) => {
          const event = new DomainEvent({
            originatorId: uuid4(),
            originatorVersion: 1,
            timestamp: new Date(0),
            value,
          } as ConstructorParameters<typeof DomainEvent>[0]);
          const copy = mapper.toDomainEvent(mapper.fromDomainEvent(event)) as unknown as {
            value: unknown;
          };
          expect(exactly(copy.value, value)).toBe(true);
        }),
        { numRuns: 150 },
      );
    });
  }
});
