/**
 * A counting projection and its view on each store the system tests run on: the number of
 * events of each originator, in memory a `Map`, on SQLite and PostgreSQL a `counts` table
 * written with kysely in the view's transaction.
 */
import type { Application } from "@es/application";
import type { DomainEvent } from "@es/domain";
import { InMemoryView, type View } from "@es/persistence-core";
import { type PostgresDatastore, PostgresFactory } from "@es/postgres";
import { postgresView } from "@es/postgres/view";
import { SqliteFactory } from "@es/sqlite";
import { sqliteView } from "@es/sqlite/view";
import { type CountsDB, counts } from "@es-test/views";
import type { Kysely } from "kysely";
import type { Projection } from "../src/index.js";

/** What the tests do with a view, whichever store it is on. */
export interface CountingView {
  /** The view (its session type is the store's). */
  readonly view: View<unknown>;
  /** A projection that counts events per originator, failing where `failAt` says. */
  projection(options?: {
    topics?: readonly string[];
    failAt?: (event: DomainEvent) => boolean;
    /** How much each event counts (read at each event; default 1). */
    weight?: () => number;
  }): Projection<unknown>;
  /**
   * A projection that counts a page's events in one statement (a multi-row upsert), failing
   * where `failAt` says; `pages` gets each page's notification ids.
   */
  pageProjection(options?: {
    failAt?: (event: DomainEvent) => boolean;
    pages?: number[][];
  }): Projection<unknown>;
  /** The counts, by originator id. */
  counts(): Promise<Record<string, number>>;
  /** Drops the view's table, as by hand. */
  drop(): Promise<void>;
}

/** What the counting projection writes with: in memory a `Map`, on SQL stores a session. */
export type Session = Map<string, number> | Kysely<CountsDB>;

const increment = async (session: Session, id: string, by: number): Promise<void> => {
  if (session instanceof Map) {
    session.set(id, (session.get(id) ?? 0) + by);
    return;
  }
  await session
    .insertInto("counts")
    .values({ originator_id: id, count: by })
    .onConflict((conflict) =>
      conflict
        .column("originator_id")
        .doUpdateSet((eb) => ({ count: eb("counts.count", "+", by) })),
    )
    .execute();
};

/** Adds each originator's count to its row, in one statement. */
const add = async (session: Session, counts: ReadonlyMap<string, number>): Promise<void> => {
  if (session instanceof Map) {
    for (const [id, by] of counts) session.set(id, (session.get(id) ?? 0) + by);
    return;
  }
  await session
    .insertInto("counts")
    .values([...counts].map(([originator_id, count]) => ({ originator_id, count })))
    .onConflict((conflict) =>
      conflict
        .column("originator_id")
        .doUpdateSet((eb) => ({ count: eb("counts.count", "+", eb.ref("excluded.count")) })),
    )
    .execute();
};

/**
 * A counting view on the application's store (a view object of its own each call); on
 * PostgreSQL, on `datastore` if given (in the application's schema), else on the factory's.
 */
export async function countingView(
  app: Application,
  { datastore }: { datastore?: PostgresDatastore } = {},
): Promise<CountingView> {
  await app.ready;
  const { factory } = app;
  let view: View<Session>;
  let read: () => Promise<Record<string, number>>;
  let drop = async (): Promise<void> => {};
  if (factory instanceof SqliteFactory) {
    const sqlite = await sqliteView(factory, counts);
    view = sqlite;
    read = async () =>
      Object.fromEntries(
        (
          sqlite.datastore.read(() =>
            sqlite.datastore.prepare("SELECT originator_id, count FROM counts").all(),
          ) as { originator_id: string; count: number }[]
        ).map((row) => [row.originator_id, row.count]),
      );
    drop = async () => {
      sqlite.datastore.write(() => sqlite.datastore.prepare("DROP TABLE counts").run());
    };
  } else if (factory instanceof PostgresFactory) {
    const postgres = await (datastore
      ? postgresView(datastore, counts, { schema: factory.options.schema })
      : postgresView(factory, counts));
    view = postgres;
    read = async () => {
      const rows = await postgres.datastore.query(
        `SELECT originator_id, count FROM "${postgres.schema}".counts`,
      );
      return Object.fromEntries(rows.map((row) => [row.originator_id, Number(row.count)]));
    };
    drop = async () => {
      await factory.datastore.execute(`DROP TABLE "${postgres.schema}".counts`);
    };
  } else {
    const memory = new InMemoryView<Map<string, number>>("counts", () => new Map());
    view = memory as View<Session>;
    read = async () => Object.fromEntries(memory.state);
  }
  return {
    view: view as View<unknown>,
    projection: (options) => countingProjection(options) as Projection<unknown>,
    pageProjection: ({ failAt, pages } = {}) =>
      ({
        name: "page-counting",
        async processPage(events, session) {
          pages?.push(events.map(({ tracking }) => tracking.notificationId));
          const counts = new Map<string, number>();
          for (const { domainEvent } of events) {
            if (failAt?.(domainEvent)) throw new Error(`can't count ${domainEvent.originatorId}`);
            counts.set(domainEvent.originatorId, (counts.get(domainEvent.originatorId) ?? 0) + 1);
          }
          await add(session, counts);
        },
      }) satisfies Projection<Session> as Projection<unknown>,
    counts: read,
    drop: () => drop(),
  };
}

/** A projection that counts events per originator (failing where `failAt` says), on any store. */
export function countingProjection({
  name = "counting",
  topics,
  failAt,
  weight = () => 1,
}: {
  name?: string;
  topics?: readonly string[] | undefined;
  failAt?: ((event: DomainEvent) => boolean) | undefined;
  /** How much each event counts (read at each event; default 1). */
  weight?: (() => number) | undefined;
} = {}): Projection<Session> {
  return {
    name,
    topics,
    async process(event, session) {
      if (failAt?.(event)) throw new Error(`can't count ${event.originatorId}`);
      await increment(session, event.originatorId, weight());
    },
  };
}

/** What the counts should be: each originator's events, from the application's store. */
export async function expectedCounts(app: Application): Promise<Record<string, number>> {
  const expected: Record<string, number> = {};
  for (const n of await app.recorder.selectNotifications(1, 10_000_000)) {
    expected[n.originatorId] = (expected[n.originatorId] ?? 0) + 1;
  }
  return expected;
}
