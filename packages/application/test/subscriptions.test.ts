/**
 * An application's subscriptions: domain events decoded by its mapper, each with its tracking
 * record; `after` and `topics`; usable before the application is ready; options checked at
 * once; ended by `break`, `return()`, the caller's signal and `app.close()`, leaving no listener
 * behind (neither on the store's change feed nor on the caller's signal); and a stored event that
 * can't be decoded ends the subscription with the error.
 */
import { getEventListeners } from "node:events";
import { Aggregate, type AggregateEvent, aggregate, event, getTopic } from "@es/domain";
import {
  InMemoryApplicationRecorder,
  StoredEventDecodingError,
  type Subscription,
} from "@es/persistence-core";
import { describe, expect, it } from "vitest";
import { Application, ApplicationStateError, type SubscribedEvent } from "../src/index.js";

@aggregate("SubscribedNote")
class Note extends Aggregate {
  declare static readonly Written: typeof AggregateEvent;
  text = "";
  @event("Written")
  write({ text }: { text: string }) {
    this.text = text;
  }
}

class Notes extends Application {
  static override applicationName = "Notes";
}

/** The listeners of the application's store, which subscriptions add while they go on. */
const listeners = (app: Application) => {
  expect(app.recorder).toBeInstanceOf(InMemoryApplicationRecorder);
  return (app.recorder as InMemoryApplicationRecorder).changes.listenerCount;
};

/** `[notification id, event class name, text]` of the next `count` events. */
async function take(subscription: Subscription<SubscribedEvent>, count: number) {
  const taken: [number, string, string | undefined][] = [];
  for (let i = 0; i < count; i++) {
    const next = await subscription.next();
    if (next.done) break;
    const { domainEvent, tracking } = next.value;
    expect(tracking.applicationName).toBe("Notes");
    const text = "text" in domainEvent ? String(domainEvent.text) : undefined;
    taken.push([tracking.notificationId, domainEvent.constructor.name, text]);
  }
  return taken;
}

describe("application subscriptions", () => {
  it("give the domain events recorded, then each new one, with their tracking records", async () => {
    const app = new Notes();
    // Usable at once: it waits for the application to be ready.
    const subscription = app.subscribe();
    const note = Note.create();
    note.write({ text: "first" });
    await app.save(note);
    expect(await take(subscription, 2)).toEqual([
      [1, "Created", undefined],
      [2, "Written", "first"],
    ]);
    const waiting = take(subscription, 1);
    note.write({ text: "second" });
    await app.save(note);
    expect(await waiting).toEqual([[3, "Written", "second"]]);
    const { value } = await (async () => {
      note.write({ text: "third" });
      await app.save(note);
      return subscription.next();
    })();
    expect(value?.domainEvent).toBeInstanceOf(Note.Written);
    expect(value?.domainEvent.originatorId).toBe(note.id);
    expect(value?.tracking).toEqual({ applicationName: "Notes", notificationId: 4 });
    await subscription.return();
    await app.close();
  });

  it("follow only the events after `after`, and of `topics`", async () => {
    const app = new Notes();
    const note = Note.create();
    for (const text of ["a", "b", "c"]) note.write({ text });
    await app.save(note);
    const written = app.subscribe({ after: 2, topics: [getTopic(Note.Written)] });
    expect(await take(written, 2)).toEqual([
      [3, "Written", "b"],
      [4, "Written", "c"],
    ]);
    await written.return();
    await app.close();
  });

  it("refuse bad options at once, and a closed application's", async () => {
    const app = new Notes();
    expect(() => app.subscribe({ after: -1 })).toThrow(/'after'/);
    expect(() => app.subscribe({ topics: "Note.Written" as never })).toThrow(TypeError);
    await app.close();
    expect(() => app.subscribe()).toThrow(ApplicationStateError);
  });

  it("end on break, return() and the caller's signal, leaving no listener behind", async () => {
    const app = new Notes();
    await app.save(Note.create());
    for await (const { tracking } of app.subscribe()) {
      expect(tracking.notificationId).toBe(1);
      expect(listeners(app)).toBe(1);
      break;
    }
    expect(listeners(app)).toBe(0);

    const returned = app.subscribe({ after: 1 });
    const waiting = returned.next();
    await new Promise((resolve) => setImmediate(resolve));
    expect(listeners(app)).toBe(1);
    await returned.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(listeners(app)).toBe(0);

    const controller = new AbortController();
    const aborted = app.subscribe({ after: 1, signal: controller.signal });
    const pending = aborted.next();
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(controller.signal, "abort").length).toBeGreaterThan(0);
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(listeners(app)).toBe(0);

    // A signal that outlives its subscriptions keeps no listener of theirs.
    const lasting = new AbortController();
    const ended = app.subscribe({ signal: lasting.signal });
    await ended.next();
    await ended.return();
    expect(getEventListeners(lasting.signal, "abort")).toEqual([]);
    await app.close();
  });

  it("end when the application closes: waiting, or held between two events", async () => {
    const app = new Notes();
    const note = Note.create();
    note.write({ text: "a" });
    await app.save(note);
    const held = app.subscribe();
    expect(await take(held, 1)).toEqual([[1, "Created", undefined]]);
    const waiting = app.subscribe({ after: 2 });
    const pending = waiting.next();
    await new Promise((resolve) => setImmediate(resolve));
    const recorder = app.recorder as InMemoryApplicationRecorder;
    expect(recorder.changes.listenerCount).toBe(2);
    await app.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await held.next()).toEqual({ done: true, value: undefined });
    expect(recorder.changes.listenerCount).toBe(0);
  });

  it("end with the error when a stored event can't be decoded", async () => {
    const app = new Notes();
    await app.save(Note.create());
    await app.recorder.insertEvents([
      {
        originatorId: "0b6e4b4e-0d6f-4e8e-9a4e-3f1c2b1a0d9e",
        originatorVersion: 1,
        topic: "NoSuchEvent",
        state: new TextEncoder().encode("{}"),
      },
    ]);
    const subscription = app.subscribe();
    expect(await take(subscription, 1)).toEqual([[1, "Created", undefined]]);
    await expect(subscription.next()).rejects.toBeInstanceOf(StoredEventDecodingError);
    expect(await subscription.next()).toEqual({ done: true, value: undefined });
    expect(listeners(app)).toBe(0);
    await app.close();
  });
});
