/**
 * The SQL toolkit's statements: text and parameters made by one template, for `?` and `$n`
 * dialects, and the recorders' shared statements built with it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SelectEventsOptions } from "../src/index.js";
import {
  ARRAY_TOPICS,
  DOLLAR_NUMBERS,
  hasTrackingId,
  insertEvent,
  insertTracking,
  jsonTopics,
  maxNotificationId,
  maxTrackingId,
  QUESTION_MARKS,
  raw,
  selectEvents,
  selectEventsStatements,
  selectNotifications,
  sql,
} from "../src/sql/index.js";

interface Point {
  readonly x: number;
  readonly y: number;
}
const x = (p: Point) => p.x;
const y = (p: Point) => p.y;

describe("sql statements", () => {
  it("writes each parameter as the dialect's placeholder and gives its value in the same place", () => {
    const query = sql<Point>`SELECT * FROM "t" WHERE x = ${x} AND y > ${y}`;
    const sqlite = query.compile(QUESTION_MARKS);
    const postgres = query.compile(DOLLAR_NUMBERS);
    expect(sqlite.text).toBe(`SELECT * FROM "t" WHERE x = ? AND y > ?`);
    expect(postgres.text).toBe(`SELECT * FROM "t" WHERE x = $1 AND y > $2`);
    expect(sqlite.params({ x: 1, y: 2 })).toEqual([1, 2]);
    expect(postgres.params({ x: 1, y: 2 })).toEqual([1, 2]);
  });

  it("gives a parameter used twice once under its number, but again for each ?", () => {
    const query = sql<Point>`SELECT ${x}, ${y}, ${x}`;
    const numbered = query.compile(DOLLAR_NUMBERS);
    expect(numbered.text).toBe("SELECT $1, $2, $1");
    expect(numbered.params({ x: 7, y: 8 })).toEqual([7, 8]);
    const marked = query.compile(QUESTION_MARKS);
    expect(marked.text).toBe("SELECT ?, ?, ?");
    expect(marked.params({ x: 7, y: 8 })).toEqual([7, 8, 7]);
  });

  it("numbers the parameters of parts in the order they stand in the whole", () => {
    const first = sql<Point>`a = ${y}`;
    const second = sql<Point>`b = ${x}`;
    const statement = sql<Point>`WITH ${first}, ${second} SELECT ${y}`.compile(DOLLAR_NUMBERS);
    expect(statement.text).toBe("WITH a = $1, b = $2 SELECT $1");
    expect(statement.params({ x: 1, y: 2 })).toEqual([2, 1]);
  });

  it("writes raw text as it is, and takes parameters' values anew for each call", () => {
    const statement = sql<Point>`SELECT ${raw("max(x)")} FROM ${raw('"t"')} WHERE y = ${y}`.compile(
      QUESTION_MARKS,
    );
    expect(statement.text).toBe(`SELECT max(x) FROM "t" WHERE y = ?`);
    expect(statement.params({ x: 0, y: 1 })).toEqual([1]);
    expect(statement.params({ x: 0, y: 2 })).toEqual([2]);
  });

  it("gives as many values as the text has placeholders, numbered from 1 without gaps", () => {
    const part = fc.oneof(
      fc.constant(sql<Point>`x = ${x}`),
      fc.constant(sql<Point>`y = ${y}`),
      fc.constant(raw("true")),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const query = parts.reduce((whole, next) => sql<Point>`${whole} AND ${next}`, raw("1"));
        const marked = query.compile(QUESTION_MARKS);
        expect(marked.text.split("?").length - 1).toBe(marked.params({ x: 1, y: 2 }).length);
        const numbered = query.compile(DOLLAR_NUMBERS);
        const used = new Set([...numbered.text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
        const values = numbered.params({ x: 1, y: 2 });
        expect([...used].sort()).toEqual(values.map((_, i) => i + 1));
      }),
    );
  });
});

describe("the recorders' shared statements", () => {
  const table = '"s"."worlds_events"';

  it("select an originator's events with only the options given as parameters", () => {
    const all = selectEvents(table, {}).compile(DOLLAR_NUMBERS);
    expect(all.text).toBe(
      `SELECT originator_id, originator_version, topic, state, hash FROM "s"."worlds_events" WHERE originator_id = $1 ORDER BY originator_version ASC`,
    );
    expect(all.params({ originatorId: "a" })).toEqual(["a"]);
    const some = selectEvents(table, { gt: 1, lte: 5, desc: true, limit: 2 }).compile(
      QUESTION_MARKS,
    );
    expect(some.text).toBe(
      `SELECT originator_id, originator_version, topic, state, hash FROM "s"."worlds_events" WHERE originator_id = ? AND originator_version > ? AND originator_version <= ? ORDER BY originator_version DESC LIMIT ?`,
    );
    expect(some.params({ originatorId: "a", gt: 1, lte: 5, desc: true, limit: 2 })).toEqual([
      "a",
      1,
      5,
      2,
    ]);
    expect(some.params({ originatorId: "a", gt: 1, lte: 5, desc: true, limit: -3 })).toEqual([
      "a",
      1,
      5,
      0,
    ]);
  });

  it("make one statement for each combination of options, once", () => {
    const made: string[] = [];
    const statements = selectEventsStatements(table, (query) => {
      const statement = query.compile(QUESTION_MARKS);
      made.push(statement.text);
      return statement;
    });
    const options: SelectEventsOptions[] = [
      {},
      { gt: 1 },
      { gt: 2 },
      { lte: 3, desc: false },
      { lte: 4 },
      { desc: true, limit: 1 },
      { gt: 1, lte: 2, desc: true, limit: 3 },
    ];
    const chosen = options.map(statements);
    expect(chosen[1]).toBe(chosen[2]);
    expect(chosen[3]).toBe(chosen[4]);
    expect(new Set(chosen).size).toBe(5);
    expect(made).toHaveLength(5);
    expect(statements({ gt: 9, lte: 9, desc: true, limit: 9 })).toBe(chosen[6]);
  });

  it("insert an event's state and hash as Buffers over the same bytes, and no hash as NULL", () => {
    const insert = insertEvent('"worlds_events"').compile(QUESTION_MARKS);
    expect(insert.text).toBe(
      `INSERT INTO "worlds_events" (originator_id, originator_version, topic, state, hash) VALUES (?, ?, ?, ?, ?)`,
    );
    const state = new Uint8Array([0, 1, 2, 255]).subarray(1);
    const event = { originatorId: "a", originatorVersion: 1, topic: "t", state };
    const [id, version, topic, bytes, none] = insert.params(event);
    expect([id, version, topic, none]).toEqual(["a", 1, "t", null]);
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect([...(bytes as Buffer)]).toEqual([1, 2, 255]);
    expect((bytes as Buffer).buffer).toBe(state.buffer);
    const hash = new Uint8Array(40).fill(7).subarray(8);
    const [, , , , hashed] = insert.params({ ...event, hash });
    expect(Buffer.isBuffer(hashed)).toBe(true);
    expect((hashed as Buffer).buffer).toBe(hash.buffer);
    expect([...(hashed as Buffer)]).toEqual([...hash]);
  });

  it("select notifications and their largest id, below a bound only when bounded", () => {
    const page = selectNotifications(table).compile(QUESTION_MARKS);
    expect(page.text).toBe(
      `SELECT notification_id, originator_id, originator_version, topic, state, hash FROM "s"."worlds_events" WHERE notification_id >= ? ORDER BY notification_id LIMIT ?`,
    );
    expect(page.params({ start: 3, limit: -1 })).toEqual([3, 0]);
    const bounded = selectNotifications(table, { bounded: true }).compile(DOLLAR_NUMBERS);
    expect(bounded.text).toContain("WHERE notification_id >= $1 AND notification_id < $2");
    expect(bounded.params({ start: 3, bound: 9, limit: 10 })).toEqual([3, 9, 10]);
    expect(maxNotificationId(table).compile(QUESTION_MARKS).text).toBe(
      `SELECT max(notification_id) AS max FROM "s"."worlds_events"`,
    );
    const max = maxNotificationId(table, { bounded: true }).compile(DOLLAR_NUMBERS);
    expect(max.text).toBe(
      `SELECT max(notification_id) AS max FROM "s"."worlds_events" WHERE notification_id < $1`,
    );
    expect(max.params({ bound: 4 })).toEqual([4]);
  });

  it("select notifications of some topics, the list one parameter whatever its length", () => {
    const args = { start: 3, bound: 9, limit: 10, topics: ["A", 'B"'] };
    const sqlite = selectNotifications(table, {
      topics: jsonTopics('"worlds_events_topic_idx"'),
    }).compile(QUESTION_MARKS);
    expect(sqlite.text).toBe(
      `SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, e.hash FROM json_each(?) AS t CROSS JOIN "s"."worlds_events" AS e INDEXED BY "worlds_events_topic_idx" WHERE e.topic = t.value AND e.notification_id >= ? AND e.notification_id < ? ORDER BY e.notification_id LIMIT ?`,
    );
    expect(sqlite.params(args)).toEqual(['["A","B\\""]', 3, 9, 10]);
    const postgres = selectNotifications(table, { topics: ARRAY_TOPICS }).compile(DOLLAR_NUMBERS);
    expect(postgres.text).toBe(
      `SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, e.hash FROM unnest($1::text[]) AS t(value) CROSS JOIN LATERAL (SELECT notification_id, originator_id, originator_version, topic, state, hash FROM "s"."worlds_events" WHERE (topic, notification_id) >= (t.value, $2) AND (topic, notification_id) < (t.value, $3) ORDER BY topic, notification_id LIMIT $4) AS e ORDER BY e.notification_id LIMIT $4`,
    );
    expect(postgres.params({ ...args, limit: -1 })).toEqual([["A", 'B"'], 3, 9, 0]);
  });

  it("insert and find tracking records by application name and notification id", () => {
    const tracking = { applicationName: "upstream", notificationId: 5 };
    const insert = insertTracking('"t"').compile(DOLLAR_NUMBERS);
    expect(insert.text).toBe(`INSERT INTO "t" (application_name, notification_id) VALUES ($1, $2)`);
    expect(insert.params(tracking)).toEqual(["upstream", 5]);
    expect(hasTrackingId('"t"').compile(QUESTION_MARKS).params(tracking)).toEqual(["upstream", 5]);
    const max = maxTrackingId('"t"').compile(QUESTION_MARKS);
    expect(max.text).toBe(
      `SELECT coalesce(max(notification_id), 0) AS max FROM "t" WHERE application_name = ?`,
    );
    expect(max.params(tracking)).toEqual(["upstream"]);
  });
});
