/**
 * What an application lately hashed stands in for hashing it again only while every byte its
 * hash was taken of is the same: state, topic, stored hash and predecessor's hash.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  EventStore,
  eventHash,
  genesisHash,
  HashChain,
  HashMemo,
  InMemoryApplicationRecorder,
  IntegrityViolationError,
  JSONTranscoder,
  Mapper,
  type StoredEvent,
} from "../src/index.js";

const event = (state: string, version = 1): StoredEvent => ({
  originatorId: "a",
  originatorVersion: version,
  topic: "T",
  state: new TextEncoder().encode(state),
});

describe("a hash memo", () => {
  const previous = genesisHash("App", "a");
  const hashed = (e: StoredEvent) => ({ ...e, hash: eventHash(previous, e) });

  it("knows an event only with the same state, topic, hash and predecessor", () => {
    const memo = new HashMemo();
    const written = hashed(event("{}"));
    memo.remember(previous, written, written.hash);
    expect(memo.knows(previous, { ...written, state: new TextEncoder().encode("{}") })).toBe(true);
    expect(memo.knows(previous, { ...written, state: new TextEncoder().encode("{ }") })).toBe(
      false,
    );
    expect(memo.knows(previous, { ...written, topic: "U" })).toBe(false);
    expect(memo.knows(previous, { ...written, hash: new Uint8Array(32) })).toBe(false);
    expect(memo.knows(new Uint8Array(32), written)).toBe(false);
    expect(memo.knows(previous, { ...written, originatorVersion: 2 })).toBe(false);
  });

  it("keeps a copy of the state, so a buffer changed in place is not taken as known", () => {
    const memo = new HashMemo();
    const written = hashed(event("{}"));
    memo.remember(previous, written, written.hash);
    (written.state as Uint8Array)[0] = 0x20;
    expect(memo.knows(previous, written)).toBe(false);
  });

  it("forgets the oldest remembered past its capacity", () => {
    const memo = new HashMemo(2);
    const [one, two, three] = ["1", "2", "3"].map((s, i) => hashed(event(s, i + 1))) as [
      ReturnType<typeof hashed>,
      ReturnType<typeof hashed>,
      ReturnType<typeof hashed>,
    ];
    memo.remember(previous, one, one.hash);
    memo.remember(previous, two, two.hash);
    memo.remember(previous, three, three.hash);
    expect(memo.knows(previous, one)).toBe(false);
    expect(memo.knows(previous, two)).toBe(true);
    expect(memo.knows(previous, three)).toBe(true);
  });

  it("lets an application's store still refuse what was edited after it wrote it", async () => {
    const recorder = new InMemoryApplicationRecorder();
    const chain = new HashChain("App", { memo: new HashMemo() });
    const store = new EventStore({
      mapper: new Mapper({ transcoder: new JSONTranscoder() }),
      recorder,
      chain,
    });
    const id = randomUUID();
    const stored = {
      originatorId: id,
      originatorVersion: 1,
      topic: "T",
      state: new TextEncoder().encode("{}"),
    };
    const [linked] = await new HashChain("App", { memo: new HashMemo() }).link(
      [stored],
      () => undefined,
    );
    await recorder.insertEvents([linked as StoredEvent]);
    // The recorder holds the very buffer that was hashed: changed in place, it is refused.
    const [held] = await recorder.selectEvents(id);
    (held?.state as Uint8Array)[0] = 0x5b;
    await expect(store.get(id)).rejects.toBeInstanceOf(IntegrityViolationError);
    // Put back, its check passes (by the memo's comparison).
    (held?.state as Uint8Array)[0] = 0x7b;
    const from = { version: 0, hash: chain.genesis(id) };
    expect(chain.check(await recorder.selectEvents(id), from)).toBeUndefined();
  });
});
