/**
 * Subscriptions on PostgreSQL, beyond the conformance kit: commits out of id order (driven
 * statement by statement, then by writers holding their transactions open at random), other
 * processes' saves heard by LISTEN/NOTIFY, the subscriber's connections ended mid-stream, a lost
 * prompt, and nothing left behind — no listening connection once the last subscription ends.
 */
import { Application } from "@es/application";
import { Aggregate, aggregate, event, uuid4 } from "@es/domain";
import { ConfigurationError, Environment, type Subscription } from "@es/persistence-core";
import { makeStoredEvent } from "@es/persistence-core/testing";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import {
  PostgresApplicationRecorder,
  type PostgresDatastore,
  PostgresFactory,
  type TableName,
} from "../src/index.js";
import { notifyAfterCommits } from "../src/table-changes.js";
import { commitOutOfOrder, insert } from "./in-flight.js";
import {
  closedAfter,
  connection,
  recorder,
  server,
  table,
  terminate,
  uniquePrefix,
} from "./server.js";

/**
 * A recorder of `events` on a datastore of its own, as another process would have, that NOTIFYs
 * after its commits (until the test ends, when its datastore closes).
 */
function notifyingWriter(events: TableName): PostgresApplicationRecorder {
  const store = closedAfter();
  notifyAfterCommits(store, events);
  return new PostgresApplicationRecorder(store, events);
}

/** An application recorder on a datastore of its own (its connections named after it). */
const subscriber = (events: TableName) =>
  recorder((store) => new PostgresApplicationRecorder(store, events));

/** The ids of the next notifications until `count` are seen, or 30 s have passed. */
async function collect<T extends { id: number }>(
  subscription: Subscription<T>,
  count: () => number,
  seen: number[] = [],
): Promise<number[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), 30_000);
  });
  try {
    while (seen.length < count()) {
      const next = await Promise.race([subscription.next(), late]);
      if (next === undefined || next.done) break;
      seen.push(next.value.id);
    }
    return seen;
  } finally {
    clearTimeout(timer);
  }
}

/** How many sessions of that application name the server has (those that LISTEN, if asked). */
const sessions =
  (admin: pg.Client, applicationName: string | undefined, { listening = false } = {}) =>
  async () =>
    (
      await admin.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1${listening ? " AND query LIKE 'LISTEN%'" : ""}`,
        [applicationName],
      )
    ).rows[0]?.n as number;

/** The sessions of a datastore that LISTEN. */
const listening = (admin: pg.Client, store: PostgresDatastore) =>
  sessions(admin, store.options.applicationName, { listening: true });

describe("subscriptions on PostgreSQL", () => {
  it("yield nothing past an id a transaction in flight may still commit, then both in order", async () => {
    const events = await subscriber(table("events"));
    // Statements on connections of their own signal nothing: the subscription polls.
    const subscription = events.subscribe({ pollIntervalMs: 10 });
    const [early, late] = [await connection(), await connection()];
    await early.query("BEGIN");
    expect(await insert(early, events.eventsTable)).toBe(1);
    await late.query("BEGIN");
    expect(await insert(late, events.eventsTable)).toBe(2);
    await late.query("COMMIT");

    let resolved = false;
    const first = subscription.next().then((result) => {
      resolved = true;
      return result;
    });
    // Many polls come and go while id 1 is in flight: none yields id 2.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resolved).toBe(false);
    await early.query("COMMIT");
    expect((await first).value?.id).toBe(1);
    expect((await subscription.next()).value?.id).toBe(2);
    await subscription.return();
  });

  it("see every committed id once, in order, while writers commit out of id order", async () => {
    const events = await subscriber(table("events"));
    const subscription = events.subscribe({ pollIntervalMs: 5, pageSize: 10 });
    const writers = await Promise.all(Array.from({ length: 6 }, connection));
    const seen: number[] = [];
    const reading = collect(subscription, () => Number.POSITIVE_INFINITY, seen);
    const committed = await commitOutOfOrder(writers, events.eventsTable, 100);
    // Once the writers are done, the subscription catches up on its next poll.
    await expect.poll(() => seen.length, { timeout: 30_000 }).toBe(committed.length);
    await subscription.return();
    await reading;
    expect(seen).toEqual([...committed].sort((a, b) => a - b));
  }, 120_000);

  it("hear another process's saves by LISTEN, when its writer NOTIFYs", async () => {
    const events = await subscriber(table("events"));
    const writer = notifyingWriter(events.eventsTable);
    const subscription = events.subscribe({ pollIntervalMs: 10 * 60_000 });
    const id = uuid4();
    for (let v = 1; v <= 20; v++) await writer.insertEvents([makeStoredEvent(id, v)]);
    expect(await collect(subscription, () => 20)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    await subscription.return();
  });

  it("miss and repeat nothing when the subscriber's connections are ended mid-stream", async () => {
    const events = await subscriber(table("events"));
    const admin = await connection();
    const writer = notifyingWriter(events.eventsTable);
    const subscription = events.subscribe({ pollIntervalMs: 500, pageSize: 7 });
    const total = 300;
    const seen: number[] = [];
    const reading = collect(subscription, () => total, seen);
    const writing = (async () => {
      const id = uuid4();
      for (let v = 1; v <= total; v++) {
        await writer.insertEvents([makeStoredEvent(id, v)]);
        if (v % 75 === 0) {
          // Its reading and listening connections, at whatever they are doing.
          expect(await terminate(admin, events.datastore)).toBeGreaterThan(0);
        }
      }
    })();
    await writing;
    expect(await reading).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // It listens again, and once it has ended, no longer.
    await expect.poll(listening(admin, events.datastore), { timeout: 10_000 }).toBe(1);
    await subscription.return();
    await expect.poll(listening(admin, events.datastore)).toBe(0);
  }, 120_000);

  it("find a save whose prompt was lost, at the latest at the next poll", async () => {
    const events = await subscriber(table("events"));
    const admin = await connection();
    const writer = notifyingWriter(events.eventsTable);
    const subscription = events.subscribe({ pollIntervalMs: 200 });
    const id = uuid4();
    await writer.insertEvents([makeStoredEvent(id, 1)]);
    expect(await collect(subscription, () => 1)).toEqual([1]);
    await expect.poll(listening(admin, events.datastore)).toBe(1);

    // The listening connection ends before the save: its NOTIFY reaches no one.
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'",
      [events.datastore.options.applicationName],
    );
    await writer.insertEvents([makeStoredEvent(id, 2)]);
    expect(await collect(subscription, () => 1)).toEqual([2]);

    // A writer that sends no NOTIFY at all: the poll finds its saves.
    const silent = new PostgresApplicationRecorder(closedAfter(), events.eventsTable);
    await silent.insertEvents([makeStoredEvent(id, 3)]);
    expect(await collect(subscription, () => 1)).toEqual([3]);
    await subscription.return();
  }, 60_000);

  it("share one listening connection among a recorder's subscriptions, closed with the last", async () => {
    const events = await subscriber(table("events"));
    const admin = await connection();
    const count = listening(admin, events.datastore);
    expect(await count()).toBe(0);
    const subscriptions = [1, 2, 3].map(() => events.subscribe({ pollIntervalMs: 60_000 }));
    const waiting = subscriptions.map((subscription) => subscription.next());
    await expect.poll(count).toBe(1);
    await events.insertEvents([makeStoredEvent(uuid4(), 1)]);
    for (const next of waiting) expect((await next).value?.id).toBe(1);
    await subscriptions[0]?.return();
    await subscriptions[1]?.return();
    expect(await count()).toBe(1);
    await subscriptions[2]?.return();
    await expect.poll(count).toBe(0);
    // What is left is the pool's (kept for the recorder's next statements), nothing else.
    expect(await sessions(admin, events.datastore.options.applicationName)()).toBe(
      events.datastore.poolSize.total,
    );
  });
});

@aggregate("SubscribedPostgresNote")
class Note extends Aggregate {
  text = "";
  @event("Edited")
  edit({ text }: { text: string }) {
    this.text = text;
  }
}

describe("application subscriptions on PostgreSQL", () => {
  it("hear saves of the same application in another process with POSTGRES_NOTIFY_SUBSCRIBERS", async () => {
    const name = uniquePrefix();
    class Notes extends Application {
      static override applicationName = name;
    }
    const env = { ...server(), INFRASTRUCTURE_FACTORY: "@es/postgres" };
    const writer = new Notes({ env: { ...env, POSTGRES_NOTIFY_SUBSCRIBERS: "y" } });
    // Made once the writer has made the tables, as a process started later would be.
    await writer.ready;
    const reader = new Notes({ env });
    expect((writer.factory as PostgresFactory).options.notifySubscribers).toBe(true);
    const subscription = reader.subscribe({ pollIntervalMs: 10 * 60_000 });
    const note = Note.create();
    await writer.save(note);
    note.edit({ text: "hello" });
    await writer.save(note);
    const seen: string[] = [];
    for await (const { domainEvent, tracking } of subscription) {
      seen.push(
        `${tracking.applicationName}:${tracking.notificationId}:${domainEvent.originatorVersion}`,
      );
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([`${name}:1:1`, `${name}:2:2`]);

    // Closed, the applications leave no connection behind.
    const admin = await connection();
    await reader.close();
    await writer.close();
    await expect.poll(sessions(admin, name)).toBe(0);
  });

  it("ends a subscription waiting on app.close(), with its listening connection", async () => {
    const name = uniquePrefix();
    class Notes extends Application {
      static override applicationName = name;
    }
    const app = new Notes({ env: { ...server(), INFRASTRUCTURE_FACTORY: "@es/postgres" } });
    const subscription = app.subscribe();
    const waiting = subscription.next();
    const admin = await connection();
    const listeners = sessions(admin, name, { listening: true });
    await expect.poll(listeners).toBe(1);
    await app.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await expect.poll(listeners).toBe(0);
  });

  it("reads POSTGRES_NOTIFY_SUBSCRIBERS as a boolean, naming it when it isn't one", () => {
    const made = (values: Record<string, string>) =>
      PostgresFactory.fromEnvironment(new Environment("Notes", { ...server(), ...values }));
    expect(made({}).options.notifySubscribers).toBeUndefined();
    expect(made({ NOTES_POSTGRES_NOTIFY_SUBSCRIBERS: "no" }).options.notifySubscribers).toBe(false);
    expect(() => made({ POSTGRES_NOTIFY_SUBSCRIBERS: "often" })).toThrow(ConfigurationError);
    expect(() => made({ POSTGRES_NOTIFY_SUBSCRIBERS: "often" })).toThrow(
      /'POSTGRES_NOTIFY_SUBSCRIBERS'/,
    );
  });
});
