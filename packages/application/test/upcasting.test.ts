/**
 * Upcasting through an application and the repository with and without
 * snapshots. "Deploying" a new version of a class is simulated by copying the stored
 * records to a new store with their topics renamed to the new class's, which is what a new
 * build of the same class sees.
 */
import { Aggregate, AggregateCreated, AggregateEvent, aggregate, Snapshot } from "@es/domain";
import {
  type AggregateRecorder,
  type ApplicationRecorder,
  InMemoryAggregateRecorder,
  InMemoryApplicationRecorder,
  InMemoryFactory,
  JSONTranscoder,
  type StoredEvent,
} from "@es/persistence-core";
import { afterEach, describe, expect, it } from "vitest";
import { Application } from "../src/index.js";

type State = Record<string, unknown>;

class ItemV1 extends Aggregate {
  constructor(readonly a: string) {
    super();
  }
}

// Only read, never created, in these processes: `@aggregate` registers them up front.
@aggregate
class ItemV2 extends Aggregate {
  static override classVersion = 2;
  static upcastV1V2(state: State) {
    state.A = String(state.a).toUpperCase();
    state.b = 0;
    delete state.a;
  }
  static override Created = class Created extends AggregateCreated {
    static classVersion = 2;
    static upcastV1V2(state: State) {
      ItemV2.upcastV1V2(state);
    }
  };
  constructor(
    readonly A: string,
    readonly b: number,
  ) {
    super();
  }
}

@aggregate
class ItemV4 extends Aggregate {
  static override classVersion = 4;
  static upcastV1V2(state: State) {
    ItemV2.upcastV1V2(state);
  }
  static upcastV2V3(state: State) {
    state.c = [];
  }
  static upcastV3V4(state: State) {
    state.d = null;
  }
  static override Created = class Created extends AggregateCreated {
    static classVersion = 3;
    static upcastV1V2(state: State) {
      ItemV2.upcastV1V2(state);
    }
    static upcastV2V3(state: State) {
      state.c = [];
    }
  };
  static DUpdated = class DUpdated extends AggregateEvent {
    declare readonly d: number;
    override apply(item: ItemV4): void {
      item.d = this.d;
    }
  };
  d: number | null = null;
  constructor(
    readonly A: string,
    readonly b: number,
    readonly c: number[],
  ) {
    super();
  }
  setD(d: number): void {
    this.triggerEvent(ItemV4.DUpdated, { d });
  }
}

/** A store of both events and snapshots, as one deployment left it. */
interface Stores {
  readonly events: InMemoryApplicationRecorder;
  readonly snapshots: InMemoryAggregateRecorder;
}

function appOver(stores: Stores) {
  class Items extends Application {
    static override env = { IS_SNAPSHOTTING_ENABLED: "y" };
  }
  const factory = class extends InMemoryFactory {
    override async applicationRecorder(): Promise<ApplicationRecorder> {
      return stores.events;
    }
    override async aggregateRecorder(): Promise<AggregateRecorder> {
      return stores.snapshots;
    }
  };
  const app = new Items({ factory });
  apps.push(app);
  return app;
}

/**
 * The same records, as a build where the class is now called `to` reads them: topics are in
 * the records' topic column and, for created events and snapshots, inside their state.
 */
async function redeploy(stores: Stores, from: string, to: string): Promise<Stores> {
  const rename = (topic: unknown) =>
    typeof topic === "string" && (topic === from || topic.startsWith(`${from}.`))
      ? to + topic.slice(from.length)
      : topic;
  const transcoder = new JSONTranscoder();
  const renamed = (stored: StoredEvent): StoredEvent => {
    const state = transcoder.decode(stored.state) as State;
    for (const key of ["originatorTopic", "topic"])
      if (key in state) state[key] = rename(state[key]);
    return { ...stored, topic: rename(stored.topic) as string, state: transcoder.encode(state) };
  };
  const events = new InMemoryApplicationRecorder();
  const all = await stores.events.selectNotifications(1, 1_000_000);
  await events.insertEvents(all.map(renamed));
  const snapshots = new InMemoryAggregateRecorder();
  for (const id of new Set(all.map((n) => n.originatorId))) {
    await snapshots.insertEvents((await stores.snapshots.selectEvents(id)).map(renamed));
  }
  return { events, snapshots };
}

const apps: Application[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function newStores(): Stores {
  return { events: new InMemoryApplicationRecorder(), snapshots: new InMemoryAggregateRecorder() };
}

describe("upcasting stored events and snapshots", () => {
  it("reads a version 1 created event as version 2 and as version 4", async () => {
    const v1Stores = newStores();
    const v1 = appOver(v1Stores);
    const item = ItemV1.create("text");
    await v1.save(item);
    expect((await v1.repository.get<ItemV1>(item.id)).a).toBe("text");

    const v2 = appOver(await redeploy(v1Stores, "ItemV1", "ItemV2"));
    const asV2 = await v2.repository.get<ItemV2>(item.id);
    expect(asV2).toBeInstanceOf(ItemV2);
    expect(asV2).not.toHaveProperty("a");
    expect([asV2.A, asV2.b]).toEqual(["TEXT", 0]);

    const v4Stores = await redeploy(v1Stores, "ItemV1", "ItemV4");
    const v4 = appOver(v4Stores);
    const asV4 = await v4.repository.get<ItemV4>(item.id);
    expect([asV4.A, asV4.b, asV4.c, asV4.d]).toEqual(["TEXT", 0, [], null]);
    asV4.setD(10);
    await v4.save(asV4);
    expect((await v4.repository.get<ItemV4>(item.id)).d).toBe(10);
  });

  it("reads a version 1 snapshot as version 4 through the aggregate's upcasters", async () => {
    const v1Stores = newStores();
    const v1 = appOver(v1Stores);
    const item = ItemV1.create("text");
    await v1.save(item);
    await v1.takeSnapshot(item.id);

    const v4Stores = await redeploy(v1Stores, "ItemV1", "ItemV4");
    const [snapshot] = await v4Stores.snapshots.selectEvents(item.id);
    expect(snapshot?.topic).toBe("Snapshot");
    const v4 = appOver(v4Stores);
    const asV4 = await v4.repository.get<ItemV4>(item.id);
    expect([asV4.A, asV4.b, asV4.c, asV4.d]).toEqual(["TEXT", 0, [], null]);
    asV4.setD(10);
    await v4.save(asV4);
    await v4.takeSnapshot(item.id);
    const [latest] = (await v4.snapshots?.get<Snapshot>(item.id, { desc: true, limit: 1 })) ?? [];
    expect(latest?.state.classVersion).toBe(4);
    expect((await v4.repository.get<ItemV4>(item.id)).d).toBe(10);
  });
});

describe("repository with and without snapshots", () => {
  class Account extends Aggregate {
    balance = 0;
    credit(amount: number) {
      this.triggerEvent(Account.Credited, { amount });
    }
    static Credited = class Credited extends AggregateEvent {
      declare readonly amount: number;
      override apply(account: Account): void {
        account.balance += this.amount;
      }
    };
  }

  it.each([true, false])(
    "gets versions and later events (snapshotting %s)",
    async (snapshotting) => {
      const app = new Application({ env: { IS_SNAPSHOTTING_ENABLED: snapshotting ? "y" : "n" } });
      apps.push(app);
      const account = Account.create();
      for (const amount of [10, 25, 30]) account.credit(amount);
      await app.save(account);
      expect((await app.repository.get<Account>(account.id)).balance).toBe(65);
      if (snapshotting) {
        await app.snapshots?.put([Snapshot.take(account)]);
      }
      expect((await app.repository.get<Account>(account.id)).balance).toBe(65);
      account.credit(10);
      await app.save(account);
      expect((await app.repository.get<Account>(account.id)).balance).toBe(75);
      const balances = await Promise.all(
        [1, 2, 3, 4, 5].map(
          async (version) => (await app.repository.get<Account>(account.id, { version })).balance,
        ),
      );
      expect(balances).toEqual([0, 10, 35, 65, 75]);
    },
  );
});
