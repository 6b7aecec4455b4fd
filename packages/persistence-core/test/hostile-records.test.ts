/**
 * Records read from a database are data, not instructions: a topic resolves only to a class
 * registered under it, and state can't reach into the event machinery (prototypes, the
 * originator columns, methods). Anything else is a `StoredEventDecodingError` naming the
 * record, never a raw `TypeError` and never an event that is silently not applied.
 */
import { Aggregate, event, messageOf, TopicError } from "@es/domain";
import { describe, expect, it } from "vitest";
import {
  InMemoryApplicationRecorder,
  JSONTranscoder,
  Mapper,
  StoredEventDecodingError,
  storedEvent,
} from "../src/index.js";

class Bag extends Aggregate {
  items: string[] = [];
  @event("ItemAdded")
  add({ item }: { item: string }) {
    this.items.push(item);
  }
}

const mapper = new Mapper({ transcoder: new JSONTranscoder() });
const bag = Bag.create();
bag.add({ item: "apple" });
const [created, added] = bag.collectEvents().map((e) => mapper.fromDomainEvent(e));
const bytes = (text: string) => new TextEncoder().encode(text);
const OTHER_ID = "0b7a4c2e-6a0d-4b8e-9d3f-5c1e2a7b9f10";

function refusal(record: { topic?: string; state?: Uint8Array; version?: number }) {
  try {
    mapper.toDomainEvent(
      storedEvent({
        originatorId: bag.id,
        originatorVersion: record.version ?? 2,
        topic: record.topic ?? "Bag.ItemAdded",
        state: record.state ?? (added?.state as Uint8Array),
      }),
    );
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("hostile stored records", () => {
  it("reads the honest records", () => {
    expect(created && added).toBeTruthy();
    const copy = mapper.toDomainEvent(added as NonNullable<typeof added>);
    expect((copy as unknown as { item: string }).item).toBe("apple");
  });

  it.each([
    "Bag.constructor",
    "Bag.__proto__",
    "Bag.prototype",
    "Bag.name",
    "Bag.create",
    "Bag.Event",
    "Object",
    "Bag.ItemAdded.constructor",
  ])("refuses the topic %s, which names no registered class", (topic) => {
    const error = refusal({ topic });
    expect(error).toBeInstanceOf(StoredEventDecodingError);
    expect(error).toMatchObject({ originatorId: bag.id, originatorVersion: 2, topic });
  });

  it.each([
    ['{"__proto__":{"item":"x"},"timestamp":null}', "'__proto__'"],
    ['{"constructor":{"name":"x"},"item":"pear"}', "'constructor'"],
    ['{"item":"pear","originatorId":"someone else"}', "'originatorId'"],
    ['{"item":"pear","originatorVersion":99}', "'originatorVersion'"],
    ['{"item":"pear","mutate":1}', "'mutate'"],
    ['{"item":"pear","apply":1}', "'apply'"],
    ['{"item":"pear","toString":1}', "'toString'"],
  ])("refuses state %s, which reaches into the event machinery", (state, key) => {
    const error = refusal({ state: bytes(state) });
    expect(error).toBeInstanceOf(StoredEventDecodingError);
    expect((error as Error).message).toContain(`${bag.id} version 2`);
    expect((error as Error).message).toContain(key);
  });

  it("refuses state that is not an object", () => {
    for (const state of ["[1,2]", "null", '"text"', "7"]) {
      expect(refusal({ state: bytes(state) })).toBeInstanceOf(StoredEventDecodingError);
    }
  });

  it("refuses a hostile record read back through a recorder, naming it and not the honest one before it", async () => {
    const recorder = new InMemoryApplicationRecorder();
    await recorder.insertEvents([
      created as NonNullable<typeof created>,
      storedEvent({
        originatorId: bag.id,
        originatorVersion: 2,
        topic: "Bag.ItemAdded",
        state: bytes('{"constructor":{"name":"x"},"item":"pear"}'),
      }),
    ]);
    const [honest, hostile] = await recorder.selectEvents(bag.id);
    expect(mapper.toDomainEvent(honest as NonNullable<typeof honest>)).toMatchObject({
      originatorId: bag.id,
      originatorVersion: 1,
    });
    let error: unknown;
    try {
      mapper.toDomainEvent(hostile as NonNullable<typeof hostile>);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoredEventDecodingError);
    expect(error).toMatchObject({ originatorId: bag.id, originatorVersion: 2 });
  });

  it("decodes an honest record of another of the aggregate's event classes", () => {
    const decoded = mapper.toDomainEvent(
      storedEvent({
        originatorId: bag.id,
        originatorVersion: 2,
        topic: "Bag.Created",
        state: bytes('{"timestamp":null}'),
      }),
    );
    expect(decoded).toBeInstanceOf(
      (Bag as unknown as { Created: abstract new () => unknown }).Created,
    );
    expect(decoded).toMatchObject({ originatorId: bag.id, originatorVersion: 2 });
  });

  it.each([
    ["a created event", "Bag.Created", { originatorTopic: "RenamedAway" }],
    ["a snapshot", "Snapshot", { topic: "RenamedAway", state: {} }],
  ])(
    "refuses %s whose aggregate topic names no class, naming the application and notification",
    async (_, topic, attributes) => {
      const recorder = new InMemoryApplicationRecorder();
      const named = new Mapper({ transcoder: new JSONTranscoder(), applicationName: "Bags" });
      const state = new JSONTranscoder().encode({ timestamp: new Date(), ...attributes });
      await recorder.insertEvents([
        created as NonNullable<typeof created>,
        storedEvent({ originatorId: OTHER_ID, originatorVersion: 1, topic, state }),
      ]);
      const [, notification] = await recorder.selectNotifications(1, 10);
      const error = (() => {
        try {
          named.toDomainEvent(notification as NonNullable<typeof notification>);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(StoredEventDecodingError);
      expect(error).toMatchObject({
        originatorId: OTHER_ID,
        originatorVersion: 1,
        topic,
        applicationName: "Bags",
        notificationId: 2,
      });
      expect((error as Error).message).toBe(
        `Can't reconstruct stored event ${OTHER_ID} version 1 (${topic}) of application Bags, notification 2: ${messageOf((error as Error).cause)}`,
      );
      expect((error as Error).cause).toBeInstanceOf(TopicError);
      expect(messageOf((error as Error).cause)).toContain("RenamedAway");
    },
  );
});
