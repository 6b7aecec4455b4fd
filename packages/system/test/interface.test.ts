/**
 * A notification log presented as JSON, directly or over HTTP, read back by a client that
 * checks everything: a follower can follow an application running elsewhere, and a malformed
 * or hostile response is a NotificationLogReadError, never a crash.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  HttpNotificationLogInterface,
  type NotificationLogInterface,
  NotificationLogJSONClient,
  NotificationLogJSONService,
  NotificationLogReadError,
  NotificationLogReader,
  type NotificationLogServer,
  serveNotificationLog,
} from "../src/index.js";
import { Counters, Worlds } from "./worlds.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function worlds(): Promise<Worlds> {
  const app = new Worlds();
  cleanups.push(() => app.close());
  return app;
}

async function served(app: Worlds): Promise<NotificationLogServer> {
  const server = await serveNotificationLog(new NotificationLogJSONService(app));
  cleanups.push(() => server.close());
  return server;
}

describe("a JSON notification log", () => {
  it("presents sections and lists of notifications, read back by the client, in process", async () => {
    const app = await worlds();
    const [alice, bob] = [await app.createWorld(), await app.createWorld()];
    const log = new NotificationLogJSONClient(new NotificationLogJSONService(app));
    const section = await log.section("1,10");
    expect(section.id).toBe("1,2");
    expect(section.nextId).toBeNull();
    expect(section.items.map((n) => n.originatorId)).toEqual([alice, bob]);
    const [stored] = await app.log.select(1, 1);
    expect([...(section.items[0]?.state ?? [])]).toEqual([...(stored?.state ?? [])]);
    expect((await log.select(1, 10)).map((n) => n.id)).toEqual([1, 2]);
  });

  it("serialises a section as its id, next id and items, each notification with its state in base64", async () => {
    const app = await worlds();
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) ids.push(await app.createWorld());
    const service = new NotificationLogJSONService(app);
    const stored = await app.log.select(1, 10);

    const section = JSON.parse(await service.getLogSection("1,10"));
    expect(Object.keys(section).sort()).toEqual(["id", "items", "next_id"]);
    expect([section.id, section.next_id]).toEqual(["1,10", "11,20"]);
    expect(section.items).toHaveLength(10);
    const [first] = section.items;
    expect(Object.keys(first).sort()).toEqual([
      "id",
      "originator_id",
      "originator_version",
      "state",
      "topic",
    ]);
    expect(first).toMatchObject({
      id: 1,
      originator_id: ids[0],
      originator_version: 1,
      topic: "World.Created",
    });
    expect(
      section.items.map((n: { state: string }) => [...Buffer.from(n.state, "base64")]),
    ).toEqual(stored.map((n) => [...n.state]));

    const last = JSON.parse(await service.getLogSection("11,20"));
    expect(last).toMatchObject({ id: "11,11", next_id: null });
    expect(last.items.map((n: { originator_id: string }) => n.originator_id)).toEqual([ids[10]]);
    expect(JSON.parse(await service.getLogSection("12,20"))).toEqual({
      id: null,
      next_id: null,
      items: [],
    });
    // A list of notifications has the same items as the section.
    expect(JSON.parse(await service.getNotifications(1, 10))).toEqual(section.items);
  });

  it("works the same over HTTP", async () => {
    const app = await worlds();
    const [alice, bob] = [await app.createWorld(), await app.createWorld()];
    const server = await served(app);
    const log = new NotificationLogJSONClient(new HttpNotificationLogInterface(server.url));
    expect((await log.section("1,10")).items.map((n) => n.originatorId)).toEqual([alice, bob]);
    expect((await log.select(1, 10)).map((n) => n.originatorId)).toEqual([alice, bob]);
  });

  it("answers 404, 405 and 400 over HTTP for what it doesn't serve", async () => {
    const server = await served(await worlds());
    const status = async (path: string, method = "GET") => {
      const response = await fetch(`${server.url}${path}`, { method });
      return [response.status, await response.text()];
    };
    expect(await status("/accounts/")).toEqual([404, "Not found: /accounts/"]);
    expect(await status("/notifications/1,10", "PUT")).toEqual([405, "Method not allowed: PUT"]);
    expect(await status("/notifications?start=x&limit=10")).toEqual([
      400,
      "Expected whole numbers start and limit",
    ]);
    expect((await status("/notifications?start=1&limit=1000"))[0]).toBe(400);
    // A path that isn't valid percent-encoding is the request's mistake, not a crash.
    expect(await status("/notifications/%E0%A4%A")).toEqual([400, "Malformed request path"]);
    expect(await status("/notifications/1,10")).toEqual([200, expect.stringContaining('"items"')]);
  });

  it("serves sections and lists over HTTP while two writers save", async () => {
    const app = await worlds();
    const server = await served(app);
    const log = new NotificationLogJSONClient(new HttpNotificationLogInterface(server.url));
    // Each writer also follows the log as it grows, a list at a time, and reads the section its
    // latest notification is in: what it reads meanwhile starts where it left off, has no gap,
    // and holds at least the worlds it has itself saved.
    const consecutive = (from: number, count: number) =>
      Array.from({ length: count }, (_, k) => from + k);
    const followed = await Promise.all(
      [0, 1].map(async () => {
        const ids: number[] = [];
        for (let i = 0; i < 30; i++) {
          await app.createWorld();
          for (;;) {
            const list = (await log.select(ids.length + 1, 10)).map((n) => n.id);
            expect(list).toEqual(consecutive(ids.length + 1, list.length));
            ids.push(...list);
            if (list.length < 10) break;
          }
          expect(ids.length).toBeGreaterThanOrEqual(i + 1);
          const first = Math.floor((ids.length - 1) / 10) * 10 + 1;
          const section = (await log.section(`${first},${first + 9}`)).items.map((n) => n.id);
          expect(section).toEqual(consecutive(first, section.length));
          expect(section.length).toBeGreaterThanOrEqual(ids.length - first + 1);
        }
        return ids;
      }),
    );
    // Whichever writer finished first may not have seen the other's last saves.
    expect(Math.max(...followed.map((ids) => ids.length))).toBe(60);
    for (let first = 1; first <= 51; first += 10) {
      expect((await log.section(`${first},${first + 9}`)).items).toHaveLength(10);
      expect(await log.select(first, 10)).toHaveLength(10);
    }
    expect((await log.section("61,70")).items).toHaveLength(0);
    expect(await log.select(61, 10)).toHaveLength(0);
  });

  it("lets a follower follow an application over HTTP", async () => {
    const app = await worlds();
    const world = await app.createWorld();
    for (const what of ["dinosaurs", "trucks", "dinosaurs"]) await app.makeItSo(world, what);
    const server = await served(app);
    const counters = new Counters();
    cleanups.push(() => counters.close());
    counters.follow(
      "Worlds",
      new NotificationLogJSONClient(new HttpNotificationLogInterface(server.url)),
    );
    await counters.pullAndProcess("Worlds");
    expect([await counters.getCount("dinosaurs"), await counters.getCount("trucks")]).toEqual([
      2, 1,
    ]);
  });

  it("lets a follower follow, over HTTP, an application whose sections are small, when told their size", async () => {
    class SmallWorlds extends Worlds {
      static override logSectionSize = 2;
    }
    const app = new SmallWorlds();
    cleanups.push(() => app.close());
    const world = await app.createWorld();
    for (const what of ["dinosaurs", "trucks", "dinosaurs", "internet"]) {
      await app.makeItSo(world, what);
    }
    const server = await served(app);
    const follow = async (options: { sectionSize?: number }) => {
      const counters = new Counters();
      cleanups.push(() => counters.close());
      const remote = new HttpNotificationLogInterface(server.url);
      counters.follow("Worlds", new NotificationLogJSONClient(remote, options));
      await counters.pullAndProcess("Worlds");
      return counters.getCount("dinosaurs");
    };
    // Not told, it asks for more than a section holds, and the server refuses.
    await expect(follow({})).rejects.toThrow(/400/);
    expect(await follow({ sectionSize: 2 })).toBe(2);
    expect(() => new NotificationLogJSONClient(answering("[]"), { sectionSize: 0 })).toThrow(
      RangeError,
    );
  });
});

/** An interface that answers whatever it is given. */
const answering = (body: string): NotificationLogInterface => ({
  getLogSection: async () => body,
  getNotifications: async () => body,
});

const item = (fields: Record<string, unknown> = {}) => ({
  id: 1,
  originator_id: "a",
  originator_version: 1,
  topic: "World.Created",
  state: "e30=",
  ...fields,
});

describe("a JSON notification log client", () => {
  it.each([
    ["not JSON", "{", /is not JSON/],
    ["a wrong type", JSON.stringify([item({ id: "1" })]), /invalid at 0\.id/],
    ["a negative id", JSON.stringify([item({ id: -1 })]), /invalid at 0\.id/],
    [
      "bad base64",
      JSON.stringify([item({ state: "%%%" })]),
      /invalid at 0\.state: expected base64/,
    ],
    ["a huge topic", JSON.stringify([item({ topic: "x".repeat(5_000) })]), /invalid at 0\.topic/],
    ["ids out of order", JSON.stringify([item({ id: 3 }), item({ id: 2 })]), /out of order/],
    [
      "ids before the start",
      JSON.stringify([item({ id: 1 })]),
      /notification 1, before the 2 asked from/,
    ],
    [
      "more than asked for",
      JSON.stringify(Array.from({ length: 3 }, (_, i) => item({ id: 5 + i }))),
      /more than the 2 asked for/,
    ],
    ["an object, not a list", JSON.stringify({ items: [] }), /is invalid: /],
  ])("refuses %s with a NotificationLogReadError", async (_what, body, message) => {
    const log = new NotificationLogJSONClient(answering(body));
    const start = _what === "ids before the start" ? 2 : 1;
    const limit = _what === "more than asked for" ? 2 : 10;
    const error = await log.select(start, limit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotificationLogReadError);
    expect((error as Error).message).toMatch(message);
  });

  it("refuses a section with a malformed id or more notifications than the section holds", async () => {
    const body = (fields: Record<string, unknown>) =>
      JSON.stringify({ id: "1,1", next_id: null, items: [item()], ...fields });
    await expect(
      new NotificationLogJSONClient(answering(body({ next_id: "1;drop" }))).section("1,10"),
    ).rejects.toThrow(/invalid at next_id/);
    await expect(
      new NotificationLogJSONClient(answering(body({ items: [item(), item({ id: 2 })] }))).section(
        "1,1",
      ),
    ).rejects.toThrow(NotificationLogReadError);
    await expect(new NotificationLogJSONClient(answering(body({}))).section("1,x")).rejects.toThrow(
      TypeError,
    );
  });

  it("refuses a section with notifications past its last id, or a next section that doesn't move on", async () => {
    const section = (fields: Record<string, unknown>) =>
      new NotificationLogJSONClient(
        answering(JSON.stringify({ id: "1,1", next_id: null, items: [item()], ...fields })),
      );
    await expect(section({ items: [item({ id: 99 })] }).section("1,10")).rejects.toThrow(
      "The response for section 1,10 has notification 99, past the section's last id 10",
    );
    await expect(section({ next_id: "1,10" }).section("1,10")).rejects.toThrow(
      "The response for section 1,10 gives the next section 1,10, which doesn't begin after it",
    );
    await expect(section({ items: [], next_id: "1,10" }).section("1,10")).rejects.toThrow(
      NotificationLogReadError,
    );
  });

  it("lets a reader go no further than a log whose next section goes back", async () => {
    const looping = {
      section: async () => ({ id: "1,1", items: [], nextId: "1,10" }),
      select: async () => [],
    };
    const read = async () => {
      for await (const _ of new NotificationLogReader(looping).read({ start: 1 })) {
        // Nothing to read: the log only ever points back to where the reader is.
      }
    };
    await expect(read()).rejects.toThrow(
      "The notification log's next section 1,10 doesn't begin after 1",
    );
  });

  it("reports a server that can't be reached, fails, or answers too much, without hanging", async () => {
    const app = await worlds();
    await app.createWorld();
    const server = await served(app);
    const tiny = new NotificationLogJSONClient(
      new HttpNotificationLogInterface(server.url, { maxBytes: 10 }),
    );
    await expect(tiny.select(1, 10)).rejects.toThrow(/over the 10 bytes allowed|10 allowed/);
    const url = server.url;
    await server.close();
    cleanups.pop();
    const gone = new NotificationLogJSONClient(
      new HttpNotificationLogInterface(url, { timeoutMs: 2_000 }),
    );
    await expect(gone.select(1, 10)).rejects.toThrow(/Can't reach the notification log/);
  });
});
