/** Mapper and event store. */
import {
  Aggregate,
  AggregateCreated,
  AggregateEvent,
  DomainEvent,
  event,
  getTopic,
  uuid4,
} from "@es/domain";
import { describe, expect, it } from "vitest";
import {
  type Compressor,
  DataError,
  EventStore,
  HashChain,
  InMemoryAggregateRecorder,
  InMemoryApplicationRecorder,
  JSONTranscoder,
  Mapper,
  type SelectEventsOptions,
  StoredEventDecodingError,
  type TextStoredEvent,
} from "../src/index.js";

class Account extends Aggregate {
  balance = 0;
  constructor(readonly fullName: string) {
    super();
  }
  @event("TransactionAppended")
  appendTransaction(amount: number) {
    this.balance += amount;
  }
}

/** A test compressor that is really a transformation: reversing the bytes. */
const reversing: Compressor = {
  compress: (data) => Uint8Array.from(data).reverse(),
  decompress: (data) => Uint8Array.from(data).reverse(),
};

describe("Mapper", () => {
  it("maps domain events to stored events and back", () => {
    const mapper = new Mapper({ transcoder: new JSONTranscoder() });
    const domainEvent = new DomainEvent({
      originatorId: uuid4(),
      originatorVersion: 1,
      timestamp: new Date(),
    });
    const stored = mapper.fromDomainEvent(domainEvent);
    expect(stored.originatorId).toBe(domainEvent.originatorId);
    expect(stored.originatorVersion).toBe(1);
    expect(stored.topic).toBe("DomainEvent");
    const state = JSON.parse(new TextDecoder().decode(stored.state));
    expect(state).not.toHaveProperty("originatorId");
    expect(state).not.toHaveProperty("originatorVersion");
    expect(new TextDecoder().decode(stored.state)).toContain(domainEvent.timestamp.toISOString());
    const copy = mapper.toDomainEvent(stored);
    expect(copy).toBeInstanceOf(DomainEvent);
    expect(copy).toEqual(domainEvent);
    expect(Object.isFrozen(copy)).toBe(true);
  });

  it("compresses after encoding and decompresses before decoding", () => {
    const plain = new Mapper({ transcoder: new JSONTranscoder() });
    const mapper = new Mapper({ transcoder: new JSONTranscoder(), compressor: reversing });
    const account = Account.create("Alice");
    account.appendTransaction(10);
    for (const e of account.collectEvents()) {
      const stored = mapper.fromDomainEvent(e);
      expect(stored.state).toEqual(Uint8Array.from(plain.fromDomainEvent(e).state).reverse());
      expect(mapper.toDomainEvent(stored)).toEqual(e);
    }
  });

  it("reconstructs aggregates from mapped events, without running event constructors", () => {
    let constructed = 0;
    class Counted extends AggregateEvent {
      constructor(attributes: ConstructorParameters<typeof AggregateEvent>[0]) {
        super(attributes);
        constructed++;
      }
    }
    class Counting extends Aggregate {
      static Counted = Counted;
      bump() {
        this.triggerEvent(Counted);
      }
    }
    const mapper = new Mapper({ transcoder: new JSONTranscoder() });
    const counting = Counting.create();
    counting.bump();
    const stored = counting.collectEvents().map((e) => mapper.fromDomainEvent(e));
    expect(constructed).toBe(1);
    let copy: Aggregate | null | undefined = null;
    for (const s of stored) copy = mapper.toDomainEvent<AggregateEvent>(s).mutate(copy);
    expect(constructed).toBe(1);
    expect(copy?.version).toBe(2);
  });

  it("records the class version and upcasts on the way out", () => {
    class Versioned extends Aggregate {
      static override Created = class Created extends AggregateCreated {
        declare readonly a: string;
        declare readonly b: number;
        static classVersion = 2;
        static upcastV1V2(state: Record<string, unknown>) {
          state.b = 0;
        }
      };
      constructor(
        readonly a: string,
        readonly b = 0,
      ) {
        super();
      }
    }
    const mapper = new Mapper({ transcoder: new JSONTranscoder() });
    const [created] = Versioned.create("x", 5).collectEvents();
    if (!created) throw new Error("no event");
    const stored = mapper.fromDomainEvent(created);
    expect(JSON.parse(new TextDecoder().decode(stored.state)).classVersion).toBe(2);
    // A version 1 record: no classVersion, no b.
    const transcoder = new JSONTranscoder();
    const v1 = {
      ...stored,
      state: transcoder.encode({
        a: "old",
        timestamp: new Date(),
        originatorTopic: getTopic(Versioned),
      }),
    };
    const upcast = mapper.toDomainEvent<AggregateCreated>(v1);
    expect(upcast).toMatchObject({ a: "old", b: 0 });
    expect(upcast).not.toHaveProperty("classVersion");
    const aggregate = upcast.mutate(null) as Versioned;
    expect([aggregate.a, aggregate.b]).toEqual(["old", 0]);
  });

  it("names the stored event it can't reconstruct", () => {
    const mapper = new Mapper({ transcoder: new JSONTranscoder() });
    const id = uuid4();
    const garbage = {
      originatorId: id,
      originatorVersion: 7,
      topic: "DomainEvent",
      state: Uint8Array.from([1, 2, 3]),
    };
    expect(() => mapper.toDomainEvent(garbage)).toThrow(StoredEventDecodingError);
    expect(() => mapper.toDomainEvent(garbage)).toThrow(DataError);
    expect(() => mapper.toDomainEvent(garbage)).toThrow(
      new RegExp(`^Can't reconstruct stored event ${id} version 7 \\(DomainEvent\\): `),
    );
    const unknownTopic = { ...garbage, topic: "Nowhere", state: new TextEncoder().encode("{}") };
    expect(() => mapper.toDomainEvent(unknownTopic)).toThrow(/Failed to resolve topic 'Nowhere'/);
    const notAnObject = { ...garbage, state: new TextEncoder().encode("[1]") };
    expect(() => mapper.toDomainEvent(notAnObject)).toThrow(/stored state is not an object/);
  });

  it("reads a state given as text as it reads its bytes, when its states are the transcoder's text", () => {
    const mapper = new Mapper({ transcoder: new JSONTranscoder() });
    expect(mapper.readsText).toBe(true);
    const account = Account.create("Zoë ✓ 𝄞");
    account.appendTransaction(10);
    for (const e of account.collectEvents()) {
      const stored = mapper.fromDomainEvent(e);
      const text = { ...stored, state: Buffer.from(stored.state).toString("utf8") };
      expect(mapper.toDomainEvent(text)).toEqual(mapper.toDomainEvent(stored));
      expect(mapper.decodeState(text)).toEqual(mapper.decodeState(stored));
    }
    const garbage = { originatorId: "x", originatorVersion: 2, topic: "DomainEvent", state: "{" };
    expect(() => mapper.toDomainEvent(garbage)).toThrow(
      /^Can't reconstruct stored event x version 2 \(DomainEvent\): /,
    );
  });

  it("refuses a state given as text when its states are not the transcoder's text", () => {
    const compressing = new Mapper({ transcoder: new JSONTranscoder(), compressor: reversing });
    const noText = new Mapper({
      transcoder: {
        ...new JSONTranscoder(),
        decode: (data) => JSON.parse(String(data)),
        encode: () => new Uint8Array(),
        register: () => {},
      },
    });
    class OwnDecode extends JSONTranscoder {
      override decode(data: Uint8Array): unknown {
        return { decodedBy: "OwnDecode", ...(super.decode(data) as object) };
      }
    }
    const ownDecode = new Mapper({ transcoder: new OwnDecode() });
    for (const mapper of [compressing, noText, ownDecode]) {
      expect(mapper.readsText).toBe(false);
      const text = { originatorId: "x", originatorVersion: 3, topic: "DomainEvent", state: "{}" };
      expect(() => mapper.toDomainEvent(text)).toThrow(StoredEventDecodingError);
      expect(() => mapper.toDomainEvent(text)).toThrow(
        /version 3 \(DomainEvent\): this mapper's stored states are not text/,
      );
    }
  });
});

/** An aggregate recorder that also reads states as text, counting the reads of each kind. */
class TextReadingRecorder extends InMemoryAggregateRecorder {
  bytes = 0;
  texts = 0;
  override async selectEvents(originatorId: string, options?: SelectEventsOptions) {
    this.bytes++;
    return super.selectEvents(originatorId, options);
  }
  async selectEventsAsText(
    originatorId: string,
    options?: SelectEventsOptions,
  ): Promise<TextStoredEvent[]> {
    this.texts++;
    return (await super.selectEvents(originatorId, options)).map(({ state, ...event }) => ({
      ...event,
      state: Buffer.from(state).toString("utf8"),
    }));
  }
}

describe("EventStore reading states as text", () => {
  async function reads(
    options: Partial<ConstructorParameters<typeof EventStore>[0]> & { mapper: Mapper },
  ) {
    const recorder = new TextReadingRecorder();
    const store = new EventStore({ ...options, recorder });
    const account = Account.create("Alice");
    account.appendTransaction(10);
    const events = account.collectEvents();
    await store.put(events);
    recorder.bytes = 0;
    expect(await store.get(account.id)).toEqual(events);
    expect(await store.get(account.id, { desc: true, limit: 1 })).toEqual(events.slice(1));
    return { bytes: recorder.bytes, texts: recorder.texts };
  }

  it("reads text from a recorder that has it, for a mapper whose states are text", async () => {
    expect(await reads({ mapper: new Mapper({ transcoder: new JSONTranscoder() }) })).toEqual({
      bytes: 0,
      texts: 2,
    });
  });

  it("reads bytes where text won't do: a compressor, or a hash chain to check", async () => {
    const compressing = new Mapper({ transcoder: new JSONTranscoder(), compressor: reversing });
    expect(await reads({ mapper: compressing })).toEqual({ bytes: 2, texts: 0 });
    const chained = {
      mapper: new Mapper({ transcoder: new JSONTranscoder() }),
      chain: new HashChain("Accounts"),
    };
    expect(await reads(chained)).toEqual({ bytes: 2, texts: 0 });
  });
});

describe("EventStore", () => {
  it("puts and gets domain events", async () => {
    const store = new EventStore({
      mapper: new Mapper({ transcoder: new JSONTranscoder() }),
      recorder: new InMemoryAggregateRecorder(),
    });
    const account = Account.create("Alice");
    expect(await store.get(account.id, { desc: true, limit: 1 })).toEqual([]);
    account.appendTransaction(10);
    account.appendTransaction(25);
    account.appendTransaction(30);
    const events = account.collectEvents();
    await store.put(events);

    const got = await store.get<AggregateEvent>(account.id);
    expect(got).toEqual(events);
    let copy: Account | null | undefined = null;
    for (const e of got) copy = e.mutate(copy);
    expect(copy?.balance).toBe(65);
    expect(copy?.id).toBe(account.id);

    const [last] = await store.get(account.id, { desc: true, limit: 1 });
    expect(last?.constructor.name).toBe("TransactionAppended");
    expect(last?.originatorVersion).toBe(4);
    expect(
      (await store.get(account.id, { gt: 1, lte: 3 })).map((e) => e.originatorVersion),
    ).toEqual([2, 3]);
  });

  it("returns notification ids from an application recorder", async () => {
    const store = new EventStore({
      mapper: new Mapper({ transcoder: new JSONTranscoder() }),
      recorder: new InMemoryApplicationRecorder(),
    });
    const account = Account.create("Bob");
    account.appendTransaction(1);
    expect(await store.put(account.collectEvents())).toEqual([1, 2]);
  });
});
