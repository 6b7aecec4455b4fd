/**
 * Followers process a page of notifications at a time, in one transaction: each policy of a
 * page gets the aggregates the page's earlier policies changed, as they left them (and no one
 * else does); a policy that fails leaves the notifications before it recorded and nothing of its
 * own; and two runners of one follower, racing with pages of different sizes, process each
 * notification exactly once.
 */
import { AggregateNotFoundError } from "@es/application";
import { Aggregate, aggregate, type DomainEvent, event, NAMESPACE_URL, uuid5 } from "@es/domain";
import { describe, expect, it } from "vitest";
import { Follower, type ProcessEvent, SystemDefinitionError } from "../src/index.js";
import { made } from "./closing.js";
import { stores } from "./stores.js";
import { Counter, Counters, World, Worlds } from "./worlds.js";

/** Counters that count the pages they record (each page's record prompts once). */
class PagedCounters extends Counters {
  static override applicationName = "Counters";
  pages = 0;

  protected override async notify(newEvents: readonly DomainEvent[]): Promise<void> {
    this.pages += 1;
    await super.notify(newEvents);
  }
}

/** A world to which `whats` happen, saved at once: its Created, then one notification each. */
async function happenings(worlds: Worlds, whats: readonly string[]): Promise<void> {
  const world = World.create();
  for (const what of whats) world.makeItSo({ what });
  await worlds.save(world);
}

const notFound =
  <A>(make: () => A) =>
  (error: unknown) => {
    if (error instanceof AggregateNotFoundError) return make();
    throw error;
  };

/** A point where a policy waits (`wait()`) until the test lets it go on (`open()`). */
function gate() {
  let reach = () => {};
  let open = () => {};
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    /** Resolves once a policy waits at the gate. */
    reached,
    open: () => open(),
    async wait(): Promise<void> {
      reach();
      await opened;
    },
  };
}

describe.each(stores)("a page on the %s store", (_store, env) => {
  it("gives each policy the aggregates the page's earlier policies changed, in one transaction", async () => {
    const values = env();
    const worlds = made(new Worlds({ env: values }));
    await happenings(worlds, ["dinosaurs", "dinosaurs", "trucks", "dinosaurs"]);
    const counters = made(new PagedCounters({ env: values }));
    counters.follow("Worlds", worlds.log);
    await counters.pullAndProcess("Worlds");
    // Without the page's changes, the second "dinosaurs" would count from the stored counter
    // (none yet): the page's events would conflict, and nothing would be recorded.
    expect([await counters.getCount("dinosaurs"), await counters.getCount("trucks")]).toEqual([
      3, 1,
    ]);
    expect(counters.pages).toBe(1);
    expect(await counters.processRecorder.maxTrackingId("Worlds")).toBe(5);
    const recorded = await counters.recorder.selectNotifications(1, 10);
    expect(recorded.map((n) => [n.topic, n.originatorVersion])).toEqual([
      ["Counter.Created", 1],
      ["Counter.Incremented", 2],
      ["Counter.Incremented", 3],
      ["Counter.Created", 1],
      ["Counter.Incremented", 2],
      ["Counter.Incremented", 4],
    ]);
  });

  it("records pages of at most pageSize notifications", async () => {
    class SmallPages extends PagedCounters {
      static override applicationName = "Counters";
      static override pageSize = 2;
    }
    const values = env();
    const worlds = made(new Worlds({ env: values }));
    await happenings(worlds, ["dinosaurs", "dinosaurs", "trucks", "dinosaurs"]);
    const counters = made(new SmallPages({ env: values }));
    counters.follow("Worlds", worlds.log);
    await counters.pullAndProcess("Worlds");
    expect(counters.pages).toBe(3);
    expect(await counters.getCount("dinosaurs")).toBe(3);
    expect(await counters.processRecorder.maxTrackingId("Worlds")).toBe(5);
  });
});

describe("a page's policies", () => {
  it("see the page's changes, where queries of the application meanwhile see what is recorded", async () => {
    const worlds = made(new Worlds());
    await happenings(worlds, ["dinosaurs", "dinosaurs"]);
    const atThird = gate();
    const seenByPolicies: number[] = [];
    class Watching extends Counters {
      static override applicationName = "Counters";
      override async policy(domainEvent: DomainEvent, processEvent: ProcessEvent) {
        seenByPolicies.push(await this.getCount("dinosaurs"));
        if (processEvent.tracking?.notificationId === 3) await atThird.wait();
        await super.policy(domainEvent, processEvent);
      }
    }
    const counters = made(new Watching());
    counters.follow("Worlds", worlds.log);
    const pulling = counters.pullAndProcess("Worlds");
    await atThird.reached;
    // A query while the page is being processed: nothing of the page is recorded yet.
    expect(await counters.getCount("dinosaurs")).toBe(0);
    expect(await counters.repository.has(Counter.createId({ name: "dinosaurs" }))).toBe(false);
    atThird.open();
    await pulling;
    expect(seenByPolicies).toEqual([0, 0, 1]);
    expect(await counters.getCount("dinosaurs")).toBe(2);
  });

  it("get an aggregate as collected, not as a policy changed it without collecting it", async () => {
    const worlds = made(new Worlds());
    await happenings(worlds, ["dinosaurs", "careless", "dinosaurs"]);
    const id = Counter.createId({ name: "dinosaurs" });
    const versions: number[] = [];
    class Careless extends Counters {
      static override applicationName = "Counters";
      override async policy(domainEvent: DomainEvent, processEvent: ProcessEvent) {
        const { what } = domainEvent as unknown as { what?: string };
        if (what !== "careless") return super.policy(domainEvent, processEvent);
        // Changes the counter of the page, and doesn't collect it: the change is lost, as it
        // would be were each notification recorded on its own.
        const counter = await this.repository.get<Counter>(id);
        counter.increment();
        counter.increment();
        versions.push((await this.repository.get<Counter>(id)).version);
        versions.push((await this.repository.get<Counter>(id, { version: 1 })).version);
        expect(await this.repository.has(id)).toBe(true);
      }
    }
    const counters = made(new Careless());
    counters.follow("Worlds", worlds.log);
    await counters.pullAndProcess("Worlds");
    expect(versions).toEqual([2, 1]);
    expect(await counters.getCount("dinosaurs")).toBe(2);
    expect((await counters.repository.get<Counter>(id)).version).toBe(3);
  });

  it("must have a positive whole number of notifications per page", async () => {
    const worlds = made(new Worlds());
    for (const pageSize of [0, 1.5, Number.NaN]) {
      class Wrong extends Counters {
        static override applicationName = "Counters";
        static override pageSize = pageSize;
      }
      const wrong = made(new Wrong());
      expect(() => wrong.follow("Worlds", worlds.log)).toThrow(SystemDefinitionError);
      expect(() => wrong.follow("Worlds", worlds.log)).toThrow(
        `Counters's pageSize must be a positive integer, got ${pageSize}`,
      );
    }
  });
});

describe.each(stores)("a page whose policy fails, on the %s store", (_store, env) => {
  it("records the notifications before the failing one, nothing of it, and goes on from it", async () => {
    let failing = true;
    class Failing extends PagedCounters {
      static override applicationName = "Counters";
      override async policy(domainEvent: DomainEvent, processEvent: ProcessEvent) {
        await super.policy(domainEvent, processEvent);
        const { what } = domainEvent as unknown as { what?: string };
        if (what === "trucks" && failing) throw new Error("no trucks today");
      }
    }
    const values = env();
    const worlds = made(new Worlds({ env: values }));
    await happenings(worlds, ["dinosaurs", "dinosaurs", "trucks", "dinosaurs"]);
    const counters = made(new Failing({ env: values }));
    counters.follow("Worlds", worlds.log);
    await expect(counters.pullAndProcess("Worlds")).rejects.toThrow("no trucks today");
    // Notifications 1 to 3 are recorded as a page; the trucks' counter (4) is not.
    expect(counters.pages).toBe(1);
    expect(await counters.processRecorder.maxTrackingId("Worlds")).toBe(3);
    expect([await counters.getCount("dinosaurs"), await counters.getCount("trucks")]).toEqual([
      2, 0,
    ]);
    failing = false;
    await counters.pullAndProcess("Worlds");
    expect([await counters.getCount("dinosaurs"), await counters.getCount("trucks")]).toEqual([
      3, 1,
    ]);
    expect(await counters.processRecorder.maxTrackingId("Worlds")).toBe(5);
  });
});

const LEDGER = uuid5(NAMESPACE_URL, "/pages/ledger");

/** One aggregate that enters every upstream notification processed: a count of each. */
@aggregate("PagesLedger")
class Ledger extends Aggregate {
  entries: number[] = [];

  static override createId(): string {
    return LEDGER;
  }

  @event("Entered")
  enter({ id }: { id: number }) {
    this.entries.push(id);
  }
}

class Ledgers extends Follower {
  static override applicationName = "Ledgers";

  async policy(_domainEvent: DomainEvent, processEvent: ProcessEvent): Promise<void> {
    const ledger = await this.repository.get<Ledger>(LEDGER).catch(notFound(() => Ledger.create()));
    ledger.enter({ id: processEvent.tracking?.notificationId ?? 0 });
    processEvent.collectEvents(ledger);
  }
}

/** An entry of an upstream notification processed: one aggregate each. */
@aggregate("PagesEntry")
class Entry extends Aggregate {
  upstream: number;

  constructor({ upstream }: { upstream: number }) {
    super();
    this.upstream = upstream;
  }
}

class Entries extends Follower {
  static override applicationName = "Entries";
  static override logSectionSize = 100;

  policy(_domainEvent: DomainEvent, processEvent: ProcessEvent): void {
    processEvent.collectEvents(
      Entry.create({ upstream: processEvent.tracking?.notificationId ?? 0 }),
    );
  }
}

describe.each(stores.filter(([store]) => store !== "in-memory"))(
  "two runners of one follower on the %s store",
  (_store, env) => {
    it("record a page that overlaps one recorded meanwhile not at all, and go on after it", async () => {
      const values = env();
      const worlds = made(new Worlds({ env: values }));
      await happenings(worlds, ["a", "b", "c", "d", "e"]);
      const atFirst = gate();
      let recorded = 0;
      class Slow extends Ledgers {
        static override applicationName = "Ledgers";
        static override pageSize = 5;
        override async policy(domainEvent: DomainEvent, processEvent: ProcessEvent) {
          if (processEvent.tracking?.notificationId === 1 && recorded === 0) await atFirst.wait();
          await super.policy(domainEvent, processEvent);
        }
        protected override async notify(newEvents: readonly DomainEvent[]): Promise<void> {
          recorded += 1;
          await super.notify(newEvents);
        }
      }
      class Quick extends Ledgers {
        static override applicationName = "Ledgers";
        static override pageSize = 3;
      }
      const [slow, quick] = [made(new Slow({ env: values })), made(new Quick({ env: values }))];
      slow.follow("Worlds", worlds.log);
      quick.follow("Worlds", worlds.log);
      // Slow's page 1-5 waits in its first policy while Quick records 1-3 and 4-6; then it gets
      // the ledger as Quick left it, so the page's events don't conflict with Quick's: only the
      // page's check refuses it.
      const slowly = slow.pullAndProcess("Worlds");
      await atFirst.reached;
      await quick.pullAndProcess("Worlds");
      await happenings(worlds, ["f"]);
      atFirst.open();
      // Slow's page is refused; it reads the position (6) and records 7-8 alone.
      await slowly;
      expect(recorded).toBe(1);
      const ledger = await slow.repository.get<Ledger>(LEDGER);
      expect(ledger.entries).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await slow.processRecorder.maxTrackingId("Worlds")).toBe(8);
    });

    it("process each notification once, racing with pages of different sizes", async () => {
      const values = env();
      const worlds = made(new Worlds({ env: values }));
      const runners = [3, 7, 1].map((pageSize) => {
        class Runner extends Entries {
          static override applicationName = "Entries";
          static override pageSize = pageSize;
        }
        const runner = made(new Runner({ env: values }));
        runner.follow("Worlds", worlds.log);
        return runner;
      });
      // Rounds of saves, each followed by every runner pulling at once, twice over: their pages
      // overlap in many ways. Each entry is an aggregate of its own, so no events conflict: only
      // the pages' checks keep a notification from being entered twice.
      for (let round = 0; round < 8; round++) {
        await happenings(worlds, ["a", "b", "c", "d"].slice(0, 1 + (round % 4)));
        await Promise.all(
          [...runners, ...runners].map((runner) => runner.pullAndProcess("Worlds")),
        );
      }
      const last = await worlds.recorder.maxNotificationId();
      const [first] = runners as [Entries];
      const entered = (await first.log.select(1, 100)).map(
        (n) => (first.mapper.toDomainEvent(n) as unknown as { upstream: number }).upstream,
      );
      expect(entered).toHaveLength(last);
      expect([...entered].sort((a, b) => a - b)).toEqual(
        Array.from({ length: last }, (_, i) => i + 1),
      );
      for (const runner of runners) {
        expect(await runner.processRecorder.maxTrackingId("Worlds")).toBe(last);
      }
    });
  },
);
