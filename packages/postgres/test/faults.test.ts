/**
 * Faults: connections the server ends, locks that can't be had, transactions left idle, a
 * server that can't be reached, and the translation of the driver's errors. Each gives a
 * fresh connection or a typed error, never a hang, and a failed transaction stores nothing.
 */
import { uuid4 } from "@es/domain";
import {
  DatabaseError,
  DataError,
  IntegrityError,
  InternalError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
} from "@es/persistence-core";
import { makeStoredEvent } from "@es/persistence-core/testing";
import { describe, expect, it } from "vitest";
import { translateError } from "../src/errors.js";
import {
  PostgresAggregateRecorder,
  PostgresApplicationRecorder,
  type PostgresConnectionOptions,
  PostgresProcessRecorder,
  TableName,
} from "../src/index.js";
import { lockNamespace } from "../src/schema.js";
import {
  closedAfter,
  connection,
  datastore,
  recorder,
  table,
  terminate,
  uniquePrefix,
  waitingForLock,
} from "./server.js";

/** An application recorder on a datastore of its own. */
const applicationRecorder = (options: Partial<PostgresConnectionOptions> = {}) =>
  recorder((store) => new PostgresApplicationRecorder(store, table("events")), options);

/** A recorder without notification ids, whose table a test may write to directly. */
const snapshots = (options: Partial<PostgresConnectionOptions> = {}) =>
  recorder((store) => new PostgresAggregateRecorder(store, table("snapshots")), options);

describe("connections the server ended", () => {
  it.each([true, false])("go on with a fresh connection (pre-ping %s)", async (prePing) => {
    const events = await applicationRecorder({ prePing });
    await events.insertEvents([makeStoredEvent(uuid4(), 1)]);
    const killer = await connection();
    expect(await terminate(killer, events.datastore)).toBeGreaterThan(0);
    await events.insertEvents([makeStoredEvent(uuid4(), 1)]);
    expect(await events.maxNotificationId()).toBe(2);
    await terminate(killer, events.datastore);
    expect((await events.selectNotifications(1, 10)).map((n) => n.id)).toEqual([1, 2]);
  });

  it("don't stop any recorder's reads, which are tried again on a fresh connection", async () => {
    const store = closedAfter();
    const prefix = uniquePrefix();
    const processes = new PostgresProcessRecorder(
      store,
      new TableName("public", `${prefix}_events`),
      new TableName("public", `${prefix}_tracking`),
    );
    const snapshots = new PostgresAggregateRecorder(
      store,
      new TableName("public", `${prefix}_snapshots`),
    );
    await processes.createTable();
    await snapshots.createTable();
    const id = uuid4();
    await processes.insertEvents([makeStoredEvent(id, 1)], {
      tracking: { applicationName: "upstream", notificationId: 1 },
    });
    await snapshots.insertEvents([makeStoredEvent(id, 1)]);
    const killer = await connection();
    const reads = [
      async () => expect(await processes.selectEvents(id)).toHaveLength(1),
      async () => expect(await processes.selectNotifications(1, 1)).toHaveLength(1),
      async () => expect(await processes.maxNotificationId()).toBe(1),
      async () => expect(await processes.maxTrackingId("upstream")).toBe(1),
      async () => expect(await processes.hasTrackingId("upstream", 1)).toBe(true),
      async () => expect(await snapshots.selectEvents(id)).toHaveLength(1),
    ];
    for (const read of reads) {
      expect(await terminate(killer, store)).toBeGreaterThan(0);
      await read();
    }
  });

  it("fail a save they ended after it was sent with an OperationalError, not repeating it", async () => {
    const events = await applicationRecorder();
    const holder = await connection();
    const killer = await connection();
    await holder.query("BEGIN");
    await holder.query(`LOCK TABLE ${events.eventsTable.qualified} IN ACCESS EXCLUSIVE MODE`);
    const id = uuid4();
    const save = events.insertEvents([makeStoredEvent(id, 1)]).catch((e: unknown) => e);
    // The save is sent and waits for the lock when its session is ended.
    await waitingForLock(killer, events.datastore, 1);
    expect(await terminate(killer, events.datastore)).toBeGreaterThan(0);
    // Its session ended, not handed the lock: the lock is still held here.
    await waitingForLock(killer, events.datastore, 0);
    await holder.query("ROLLBACK");
    const error = await save;
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).toMatch(/terminat/);
    expect(await events.selectEvents(id)).toEqual([]);
    await events.insertEvents([makeStoredEvent(id, 1)]);
    expect(await events.selectEvents(id)).toHaveLength(1);
  });
});

const insertStatement = (table: TableName) =>
  `INSERT INTO ${table.qualified} (originator_id, originator_version, topic, state) VALUES ($1, 1, 't', '\\x00')`;

describe("transactions", () => {
  it("roll back on an error of the body, which is given back as it was, keeping the connection", async () => {
    const events = await snapshots();
    const id = uuid4();
    const mistake = new TypeError("not the database's");
    const failed = events.datastore.transaction(async (connection) => {
      await connection.query(insertStatement(events.eventsTable), [id]);
      throw mistake;
    });
    await expect(failed).rejects.toBe(mistake);
    expect(await events.selectEvents(id)).toEqual([]);
    expect(events.datastore.poolSize).toEqual({ total: 1, idle: 1 });
  });

  it("roll back on a database error, translated, keeping the connection", async () => {
    const events = await snapshots();
    const id = uuid4();
    const failed = events.datastore.transaction(async (connection) => {
      await connection.query(insertStatement(events.eventsTable), [id]);
      await connection.query("SELECT 'not a number'::int");
    });
    await expect(failed).rejects.toBeInstanceOf(DataError);
    expect(await events.selectEvents(id)).toEqual([]);
    expect(events.datastore.poolSize).toEqual({ total: 1, idle: 1 });
  });

  it("fail at commit on a deferred constraint with an IntegrityError, storing nothing", async () => {
    const events = await snapshots();
    const scratch = new TableName("public", `${uniquePrefix()}_deferred`);
    await events.datastore.execute(
      `CREATE TABLE ${scratch.qualified} (n int, UNIQUE (n) DEFERRABLE INITIALLY DEFERRED)`,
    );
    const id = uuid4();
    const failed = events.datastore.transaction(async (connection) => {
      await connection.query(insertStatement(events.eventsTable), [id]);
      await connection.query(`INSERT INTO ${scratch.qualified} VALUES (1), (1)`);
    });
    await expect(failed).rejects.toBeInstanceOf(IntegrityError);
    expect(await events.selectEvents(id)).toEqual([]);
    expect(events.datastore.poolSize).toEqual({ total: 1, idle: 1 });
  });

  it("fail with an OperationalError when the server ends them midway, discarding the connection", async () => {
    const events = await snapshots();
    const killer = await connection();
    const id = uuid4();
    const failed = events.datastore.transaction(async (connection) => {
      await connection.query(insertStatement(events.eventsTable), [id]);
      await terminate(killer, events.datastore);
      await connection.query("SELECT 1");
    });
    await expect(failed).rejects.toBeInstanceOf(OperationalError);
    expect(events.datastore.poolSize.total).toBe(0);
    expect(await events.selectEvents(id)).toEqual([]);
  });

  it("are refused once the datastore is closed, which may be closed twice", async () => {
    const store = datastore();
    await store.close();
    await store.close();
    await expect(store.transaction(async () => 1)).rejects.toThrow(/closed/);
    await expect(store.query("SELECT 1")).rejects.toBeInstanceOf(OperationalError);
  });
});

describe("timeouts", () => {
  it("gives a writer that can't get a lock in time an OperationalError, storing nothing", async () => {
    const events = await applicationRecorder({ lockTimeoutMs: 300 });
    const holder = await connection();
    await holder.query("BEGIN");
    await holder.query(`LOCK TABLE ${events.eventsTable.qualified} IN ACCESS EXCLUSIVE MODE`);
    const id = uuid4();
    const error = await events.insertEvents([makeStoredEvent(id, 1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).toMatch(/lock timeout|55P03/);
    await holder.query("ROLLBACK");
    expect(await events.selectEvents(id)).toEqual([]);
  });

  it("ends a transaction left idle, freeing its locks, with an OperationalError", async () => {
    const events = await snapshots({ idleInTransactionSessionTimeoutMs: 200 });
    const id = uuid4();
    const idle = events.datastore.transaction(async (connection) => {
      await connection.query(insertStatement(events.eventsTable), [id]);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await connection.query("SELECT 1");
    });
    await expect(idle).rejects.toBeInstanceOf(OperationalError);
    expect(await events.selectEvents(id)).toEqual([]);
    await events.insertEvents([makeStoredEvent(id, 1)]);
    expect(await events.selectEvents(id)).toHaveLength(1);
  });

  it("fails fast, with an OperationalError, when the server can't be reached", async () => {
    const store = closedAfter({ port: 1, connectTimeoutMs: 1_000 });
    await expect(store.query("SELECT 1")).rejects.toBeInstanceOf(OperationalError);
  });
});

describe("connection lifetime", () => {
  it("keeps one connection between statements run one at a time", async () => {
    const store = closedAfter();
    const pids = new Set<unknown>();
    for (let i = 0; i < 5; i++) {
      const [row] = await store.query("SELECT pg_backend_pid() AS pid");
      pids.add(row?.pid);
      await store.transaction(async (connection) => {
        const [inTransaction] = await connection.query("SELECT pg_backend_pid() AS pid");
        pids.add(inTransaction?.pid);
      });
    }
    expect(pids.size).toBe(1);
    expect(store.poolSize).toEqual({ total: 1, idle: 1 });
  });

  it("hands the connection it keeps to a statement waiting for the pool", async () => {
    const store = closedAfter({ maxConnections: 1, connectTimeoutMs: 2_000 });
    let waiting: Promise<unknown> | undefined;
    await store.transaction(async (connection) => {
      // Taken while the transaction holds the pool's one connection: it waits for it.
      waiting = store.query("SELECT 2 AS n");
      await new Promise((resolve) => setTimeout(resolve, 50));
      await connection.query("SELECT 1");
    });
    expect(await waiting).toEqual([{ n: 2 }]);
    expect(await store.query("SELECT 3 AS n")).toEqual([{ n: 3 }]);
  });

  it("closes each connection after its transaction with a maximum age of 0", async () => {
    const events = await applicationRecorder({ connMaxAgeMs: 0 });
    await events.insertEvents([makeStoredEvent(uuid4(), 1)]);
    expect(events.datastore.poolSize.total).toBe(0);
  });

  it("closes idle connections after their maximum age", async () => {
    const events = await applicationRecorder({ connMaxAgeMs: 200 });
    await events.insertEvents([makeStoredEvent(uuid4(), 1)]);
    expect(events.datastore.poolSize.total).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(events.datastore.poolSize.total).toBe(0);
  });
});

describe("values", () => {
  it("refuses text PostgreSQL would store altered or can't store, storing nothing", async () => {
    const events = await applicationRecorder();
    const id = uuid4();
    const bad = [
      makeStoredEvent(`${id}\ud800`, 1),
      { ...makeStoredEvent(id, 1), topic: "topic\udc00" },
      { ...makeStoredEvent(id, 1), topic: "nul\u0000" },
    ];
    for (const event of bad) {
      await expect(events.insertEvents([makeStoredEvent(id, 2), event])).rejects.toBeInstanceOf(
        DataError,
      );
    }
    expect(await events.selectEvents(id)).toEqual([]);
    const emoji = `${id}😀`;
    await events.insertEvents([{ ...makeStoredEvent(emoji, 1), topic: "ü😀" }]);
    expect((await events.selectEvents(emoji))[0]?.topic).toBe("ü😀");
  });
});

describe("id allocation", () => {
  it("leaves no lock behind when a save fails while allocating ids", async () => {
    const events = await applicationRecorder();
    const sequence = `"public"."${events.eventsTable.name}_notification_id_seq"`;
    // Five ids are left: a batch of ten fails as it takes its block, holding the lock.
    await events.datastore.query(`SELECT setval('${sequence}', ${2 ** 47 - 6})`);
    const id = uuid4();
    const batch = Array.from({ length: 10 }, (_, i) => makeStoredEvent(id, i + 1));
    await expect(events.insertEvents(batch)).rejects.toBeInstanceOf(DataError);
    const held = await events.datastore.query(
      "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND classid = $1",
      [lockNamespace(events.eventsTable)],
    );
    expect(held).toEqual([]);
    // The failed batch took one id before it failed: a gap, which readers skip.
    expect(await events.insertEvents([makeStoredEvent(id, 1)])).toEqual([2 ** 47 - 4]);
  });
});

describe("driver errors", () => {
  it.each([
    ["23505", IntegrityError],
    ["23503", IntegrityError],
    ["22P02", DataError],
    ["42P01", ProgrammingError],
    ["42601", ProgrammingError],
    ["55P03", OperationalError],
    ["57P01", OperationalError],
    ["08006", OperationalError],
    ["40001", OperationalError],
    ["0A000", NotSupportedError],
    ["XX000", InternalError],
    ["99999", DatabaseError],
  ] as const)("translates SQLSTATE %s", (code, ErrorClass) => {
    const driverError = Object.assign(new Error("driver says no"), { code });
    const translated = translateError(driverError);
    expect(translated).toBeInstanceOf(ErrorClass);
    expect((translated as Error).message).toBe(`driver says no (SQLSTATE ${code})`);
    expect((translated as Error).cause).toBe(driverError);
  });

  it("translates lost connections and refused ones, and leaves other errors alone", () => {
    expect(translateError(new Error("Connection terminated unexpectedly"))).toBeInstanceOf(
      OperationalError,
    );
    expect(
      translateError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    ).toBeInstanceOf(OperationalError);
    const other = new TypeError("not the driver's");
    expect(translateError(other)).toBe(other);
  });

  it("reports a statement that doesn't parse as a ProgrammingError", async () => {
    const store = closedAfter();
    await expect(store.query("SELEC 1")).rejects.toThrow(ProgrammingError);
    await expect(store.write("INSERT INTO")).rejects.toThrow(/syntax error.*\(SQLSTATE 42601\)/);
    expect(await store.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });

  it("reports a missing table as a ProgrammingError naming it, for every recorder method", async () => {
    const store = closedAfter();
    const prefix = uniquePrefix();
    const missing = new PostgresProcessRecorder(
      store,
      new TableName("public", `${prefix}_events`),
      new TableName("public", `${prefix}_tracking`),
    );
    const calls = [
      () => missing.insertEvents([makeStoredEvent(uuid4(), 1)]),
      () => missing.selectEvents(uuid4()),
      () => missing.selectNotifications(1, 1),
      () => missing.maxNotificationId(),
      () => missing.maxTrackingId("upstream"),
      () => missing.hasTrackingId("upstream", 1),
    ];
    for (const call of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProgrammingError);
      expect((error as Error).message).toMatch(`relation "public.${prefix}_`);
      expect((error as Error).message).toMatch("does not exist");
    }
  });

  it("prepares its statements again once a missing table is created", async () => {
    const store = closedAfter();
    const late = new PostgresApplicationRecorder(
      store,
      new TableName("public", `${uniquePrefix()}_late`),
    );
    const event = makeStoredEvent(uuid4(), 1);
    await expect(late.insertEvents([event])).rejects.toBeInstanceOf(ProgrammingError);
    await expect(late.selectNotifications(1, 1)).rejects.toBeInstanceOf(ProgrammingError);
    await late.createTable();
    expect(await late.insertEvents([event])).toEqual([1]);
    expect((await late.selectNotifications(1, 1)).map((n) => n.id)).toEqual([1]);
    expect(store.poolSize.total).toBe(1);
  });
});
