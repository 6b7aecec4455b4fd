/**
 * A notification log as JSON, and over HTTP, selects by topic and up to a stop as the local
 * log does: the options cross as `stop=` and one `topics=` per topic, the server refuses with a
 * 400 what it can't take, the client refuses bad options before sending them and a response
 * that isn't what it asked for, and a follower that names its topics asks for only those.
 */
import { type DomainEvent, getTopic } from "@es/domain";
import type { SelectNotificationsOptions } from "@es/persistence-core";
import { afterEach, describe, expect, it } from "vitest";
import {
  HttpNotificationLogInterface,
  type NotificationLogInterface,
  NotificationLogJSONClient,
  NotificationLogJSONService,
  NotificationLogReadError,
  type NotificationLogServer,
  ProcessApplication,
  type ProcessEvent,
  serveNotificationLog,
} from "../src/index.js";
import { World, Worlds } from "./worlds.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const [CREATED, HAPPENED] = [getTopic(World.Created), getTopic(World.SomethingHappened)];

/** Worlds, each created and then given "dinosaurs": topics CREATED, HAPPENED, CREATED, … */
async function worlds(count: number): Promise<Worlds> {
  const app = new Worlds();
  cleanups.push(() => app.close());
  for (let i = 0; i < count; i++) await app.makeItSo(await app.createWorld(), "dinosaurs");
  return app;
}

async function served(app: Worlds): Promise<NotificationLogServer> {
  const server = await serveNotificationLog(new NotificationLogJSONService(app));
  cleanups.push(() => server.close());
  return server;
}

/** Options as a caller without types could give them. */
const untyped = (options: unknown) => options as SelectNotificationsOptions;

const ids = async (notifications: Promise<readonly { id: number }[]>) =>
  (await notifications).map((n) => n.id);

describe("a JSON notification log, selecting by topic and stop", () => {
  it("selects as the local log does, in process and over HTTP", async () => {
    const app = await worlds(6);
    const server = await served(app);
    const overHttp = new NotificationLogJSONClient(new HttpNotificationLogInterface(server.url));
    const logs = [new NotificationLogJSONClient(new NotificationLogJSONService(app)), overHttp];
    const cases: [number, SelectNotificationsOptions][] = [
      [1, { topics: [CREATED] }],
      [4, { topics: [HAPPENED, CREATED], stop: 9 }],
      [1, { stop: 3 }],
      [1, { topics: ["a topic with spaces & an ampersand=?", HAPPENED] }],
      [5, { stop: 2 }],
      [1, { topics: [] }],
    ];
    for (const [start, options] of cases) {
      const expected = await ids(app.log.select(start, 10, options));
      for (const log of logs) expect(await ids(log.select(start, 10, options))).toEqual(expected);
    }
    expect(await ids(overHttp.select(1, 10, { topics: [CREATED] }))).toEqual([1, 3, 5, 7, 9, 11]);
  });

  it("answers a query it can't take with a 400 that says why, and goes on serving", async () => {
    const server = await served(await worlds(1));
    const status = async (query: string) => {
      const response = await fetch(`${server.url}/notifications?${query}`);
      return [response.status, await response.text()];
    };
    const topics = (count: number, length = 10) =>
      Array.from({ length: count }, (_, i) => `topics=${`${i}`.padEnd(length, "x")}`).join("&");
    expect(await status("start=1&limit=10&topics=")).toEqual([
      400,
      "Expected topics of 1 to 1000 characters",
    ]);
    expect(await status(`start=1&limit=10&${topics(1, 1_001)}`)).toEqual([
      400,
      "Expected topics of 1 to 1000 characters",
    ]);
    expect(await status(`start=1&limit=10&${topics(101)}`)).toEqual([
      400,
      "Expected at most 100 topics, got 101",
    ]);
    for (const stop of ["1.5", "x", "", "1e400", "99999999999999999999"]) {
      expect(await status(`start=1&limit=10&stop=${stop}`)).toEqual([
        400,
        "Expected an integer stop",
      ]);
    }
    // Far more than a server reads of a request's head: refused before it is parsed.
    expect((await status(`start=1&limit=10&${topics(10_000)}`))[0]).toBe(431);
    expect(await status(`start=1&limit=10&stop=1&${topics(100, 100)}`)).toEqual([200, "[]"]);
    expect(await status(`start=1&limit=10&topics=${encodeURIComponent(CREATED)}`)).toEqual([
      200,
      expect.stringContaining(`"topic":"${CREATED}"`),
    ]);
  });

  it("refuses bad options before asking, and a response that isn't what was asked for", async () => {
    const app = await worlds(2);
    const service = new NotificationLogJSONService(app);
    await expect(service.getNotifications(1, 10, untyped({ topics: [1] }))).rejects.toThrow(
      new TypeError("selectNotifications topics[0] must be a string, got number"),
    );
    const asked: unknown[] = [];
    const client = new NotificationLogJSONClient({
      getLogSection: (id) => service.getLogSection(id),
      getNotifications: (...args) => {
        asked.push(args);
        return service.getNotifications(...args);
      },
    });
    await expect(client.select(1, 10, untyped({ topics: CREATED }))).rejects.toThrow(TypeError);
    await expect(client.select(1, 10, untyped({ stop: 0.5 }))).rejects.toThrow(RangeError);
    expect(asked).toEqual([]);

    // A log that answers with everything, whatever it is asked.
    const careless: NotificationLogInterface = {
      getLogSection: (id) => service.getLogSection(id),
      getNotifications: (start, limit) => service.getNotifications(start, limit),
    };
    const reader = new NotificationLogJSONClient(careless);
    await expect(reader.select(1, 10, { topics: [HAPPENED] })).rejects.toThrow(
      new NotificationLogReadError(
        `The response for notifications from 1 has notification 1 of a topic not asked for, "${CREATED}"`,
      ),
    );
    await expect(reader.select(1, 10, { stop: 2 })).rejects.toThrow(
      "The response for notifications from 1 has notification 3, past the stop asked for, 2",
    );
  });

  it("lets a follower that names its topics follow over HTTP, asking for only those", async () => {
    class Happenings extends ProcessApplication {
      static override applicationName = "Happenings";
      static override followTopics = [HAPPENED];
      readonly processed: number[] = [];
      policy(_event: DomainEvent, processEvent: ProcessEvent): void {
        this.processed.push(processEvent.tracking?.notificationId ?? 0);
      }
    }
    const app = await worlds(25);
    const server = await served(app);
    const queries: string[] = [];
    const http = new HttpNotificationLogInterface(server.url);
    const follower = new Happenings();
    cleanups.push(() => follower.close());
    follower.follow(
      "Worlds",
      new NotificationLogJSONClient({
        getLogSection: (id) => http.getLogSection(id),
        getNotifications: (start, limit, options) => {
          queries.push(JSON.stringify(options));
          return http.getNotifications(start, limit, options);
        },
      }),
    );
    await follower.pullAndProcess("Worlds");
    expect(follower.processed).toEqual(Array.from({ length: 25 }, (_, i) => 2 * (i + 1)));
    expect(new Set(queries)).toEqual(new Set([JSON.stringify({ topics: [HAPPENED] })]));
    expect(queries).toHaveLength(3);
  });
});
