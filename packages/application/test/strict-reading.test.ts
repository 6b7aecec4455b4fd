/**
 * Reading stored events back through an application is strict: a stored event whose
 * attributes don't fit the signature that applies it is refused with an error naming the
 * event, never applied with a value made up for what is missing.
 */
import {
  Aggregate,
  aggregate,
  EventAttributesError,
  event,
  Snapshot,
  TopicError,
} from "@es/domain";
import { JSONTranscoder, StoredEventDecodingError, storedEvent } from "@es/persistence-core";
import { describe, expect, it } from "vitest";
import { Application } from "../src/index.js";

@aggregate("StrictDog")
class StrictDog extends Aggregate {
  tricks: string[] = [];
  name: string;
  constructor({ name }: { name: string }) {
    super();
    this.name = name;
  }
  @event("TrickAdded")
  addTrick({ trick }: { trick: string }) {
    this.tricks.push(trick);
  }
}

class Kennels extends Application {
  static override applicationName = "Kennels";
}

describe("reading stored events strictly", () => {
  it("refuses a stored event whose attributes were named by another signature", async () => {
    const app = new Kennels();
    const dog = StrictDog.create({ name: "Fido" });
    dog.addTrick({ trick: "sit" });
    await app.save(dog);

    // What a build that named the attribute differently (a minifier's `e`) would have stored.
    const state = new JSONTranscoder().encode({ e: "roll over", timestamp: new Date() });
    await app.recorder.insertEvents([
      storedEvent({
        originatorId: dog.id,
        originatorVersion: 3,
        topic: "StrictDog.TrickAdded",
        state,
      }),
    ]);

    const error = await app.repository.get(dog.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventAttributesError);
    expect(error).toMatchObject({
      topic: "StrictDog.TrickAdded",
      originatorId: dog.id,
      originatorVersion: 3,
      missing: ["trick"],
      unexpected: ["e"],
    });
    // The versions before it are still readable.
    const before = await app.repository.get<StrictDog>(dog.id, { version: 2 });
    expect(before.tricks).toEqual(["sit"]);
    await app.close();
  });
});

describe("a stored created event whose aggregate topic names no class", () => {
  it("is refused with an error naming the application, the originator id and the version", async () => {
    const app = new Kennels();
    const dog = StrictDog.create({ name: "Rex" });
    await app.save(dog);
    // What an older build stored under an aggregate topic this build no longer registers.
    const id = "0b7a4c2e-6a0d-4b8e-9d3f-5c1e2a7b9f10";
    const state = new JSONTranscoder().encode({
      name: "Fido",
      timestamp: new Date(),
      originatorTopic: "RenamedAway",
    });
    await app.recorder.insertEvents([
      storedEvent({ originatorId: id, originatorVersion: 1, topic: "StrictDog.Created", state }),
    ]);

    const error = await app.repository.get(id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoredEventDecodingError);
    expect(error).toMatchObject({
      originatorId: id,
      originatorVersion: 1,
      applicationName: "Kennels",
    });
    expect((error as Error).message).toMatch(
      new RegExp(`${id} version 1 .*of application Kennels.*RenamedAway`),
    );
    expect((error as Error).cause).toBeInstanceOf(TopicError);
    await app.close();
  });

  it("refuses a stored snapshot whose aggregate topic names no class the same way", async () => {
    class SnapshottingKennels extends Application {
      static override applicationName = "SnapshottingKennels";
      static override isSnapshottingEnabled = true;
    }
    const app = new SnapshottingKennels();
    const id = "5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d";
    const snapshot = new Snapshot({
      originatorId: id,
      originatorVersion: 1,
      timestamp: new Date(),
      topic: "RenamedAway",
      state: { name: "Fido", createdOn: new Date(), modifiedOn: new Date() },
    });
    await app.ready;
    await app.snapshots?.put([snapshot]);

    const error = await app.repository.get(id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoredEventDecodingError);
    expect(error).toMatchObject({
      originatorId: id,
      originatorVersion: 1,
      applicationName: "SnapshottingKennels",
    });
    expect((error as Error).cause).toBeInstanceOf(TopicError);
    await app.close();
  });
});
