/**
 * The Aggregate base class: creation, subsequent events, equality and string form.
 */
import { describe, expect, it } from "vitest";
import {
  Aggregate,
  AggregateCreated,
  AggregateEvent,
  getTopic,
  isUuid,
  NAMESPACE_URL,
  OriginatorIdError,
  uuid4,
  uuid5,
  VersionError,
} from "../src/index.js";

type Statics = Record<string, unknown>;
const member = (cls: object, name: string) => (cls as Statics)[name];

describe("aggregate classes", () => {
  it("Aggregate has a created event class, a subclass of AggregateCreated", () => {
    expect(Aggregate.Created).toBe(AggregateCreated);
    expect(Aggregate.Event).toBe(AggregateEvent);
    expect(Aggregate.create().collectEvents()[0]).toBeInstanceOf(AggregateCreated);
  });

  it("gives each subclass its own created event class named Created", () => {
    class OwnCreated extends Aggregate {}
    getTopic(OwnCreated);
    expect(OwnCreated.Created).not.toBe(Aggregate.Created);
    expect(OwnCreated.Created.name).toBe("Created");
    expect(OwnCreated.Created.prototype).toBeInstanceOf(AggregateCreated);
    const [created] = OwnCreated.create().collectEvents();
    expect(created).toBeInstanceOf(OwnCreated.Created);
    expect(getTopic(OwnCreated.Created)).toBe("OwnCreated.Created");
  });

  it("uses the one created event class a subclass defines, whatever its name", () => {
    class WithStarted extends Aggregate {
      static Started = class Started extends AggregateCreated {};
    }
    const [created] = WithStarted.create().collectEvents();
    expect(created).toBeInstanceOf(WithStarted.Started);
    expect(created?.constructor.name).toBe("Started");
  });

  it("generates the created event class named by createdEventName", () => {
    class NamedStarted extends Aggregate {
      static override createdEventName = "Started";
    }
    const [created] = NamedStarted.create().collectEvents();
    expect(created?.constructor.name).toBe("Started");
    expect(created).toBeInstanceOf(member(NamedStarted, "Started") as typeof AggregateCreated);
    expect(created).toBeInstanceOf(AggregateCreated);
    expect(getTopic(created?.constructor as typeof AggregateCreated)).toBe("NamedStarted.Started");
  });

  it("selects one of several created event classes by createdEventName", () => {
    class TwoCreated extends Aggregate {
      static override createdEventName = "Started";
      static override Created = class Created extends AggregateCreated {};
      static Started = class Started extends AggregateCreated {};
    }
    expect(TwoCreated.create().collectEvents()[0]).toBeInstanceOf(TwoCreated.Started);
  });

  it("generates a class when createdEventName matches none of those defined", () => {
    class ThirdName extends Aggregate {
      static override createdEventName = "Opened";
      static override Created = class Created extends AggregateCreated {};
      static Started = class Started extends AggregateCreated {};
    }
    const [created] = ThirdName.create().collectEvents();
    expect(created?.constructor.name).toBe("Opened");
    expect(created).not.toBeInstanceOf(ThirdName.Created);
    expect(created).not.toBeInstanceOf(ThirdName.Started);
  });

  it("does not inherit createdEventName: a subclass without its own gets its own Created", () => {
    class StartedBase extends Aggregate {
      static override createdEventName = "Started";
    }
    class StartedChild extends StartedBase {}
    const [created] = StartedChild.create().collectEvents();
    expect(created?.constructor.name).toBe("Created");
    expect(getTopic(created?.constructor as typeof AggregateCreated)).toBe("StartedChild.Created");
    expect(StartedBase.create().collectEvents()[0]?.constructor.name).toBe("Started");
  });

  it("refuses a subclass with several created classes and no createdEventName of its own", () => {
    class ChosenBase extends Aggregate {
      static override createdEventName = "Started";
    }
    class Undecided extends ChosenBase {
      static Opened = class Opened extends AggregateCreated {};
      static Started = class Started extends AggregateCreated {};
    }
    expect(() => Undecided.create()).toThrow(
      "Undecided defines several created event classes (Opened, Started): choose one with static createdEventName",
    );
  });

  it("has each subclass's own created event class from the moment it is defined", () => {
    class Fresh extends Aggregate {}
    // Read before any other use of the class: its own class, never the base's.
    const created = Fresh.Created;
    expect(created).not.toBe(Aggregate.Created);
    expect(created.name).toBe("Created");
    const [event] = Fresh._create(Fresh.Created).collectEvents();
    expect(event?.constructor).toBe(created);
    expect(getTopic(created)).toBe("Fresh.Created");

    class FreshChild extends Fresh {}
    expect(FreshChild.Created).not.toBe(Fresh.Created);
    expect(getTopic(FreshChild.Created)).toBe("FreshChild.Created");
  });

  it("refuses create() when several created classes are defined and none is chosen", () => {
    class Ambiguous extends Aggregate {
      static Opened = class Opened extends AggregateCreated {};
      static Started = class Started extends AggregateCreated {};
    }
    expect(() => Ambiguous.create()).toThrow(TypeError);
    expect(() => Ambiguous.create()).toThrow(
      "Ambiguous defines several created event classes (Opened, Started): choose one with static createdEventName",
    );
    // The explicit factory still works with either class.
    expect(Ambiguous._create(Ambiguous.Opened).collectEvents()[0]).toBeInstanceOf(Ambiguous.Opened);
    expect(Ambiguous._create(Ambiguous.Started).collectEvents()[0]).toBeInstanceOf(
      Ambiguous.Started,
    );
  });

  it.each([
    [0, 0],
    [undefined, 1],
    [2, 2],
  ])("uses INITIAL_VERSION %s as the version of new aggregates", (initial, expected) => {
    const cls = class extends Aggregate {};
    Object.defineProperty(cls, "name", {
      value: `InitialVersion${["Zero", "One", "Two"][expected]}`,
    });
    if (initial !== undefined) cls.INITIAL_VERSION = initial;
    const aggregate = cls.create();
    expect(aggregate.version).toBe(expected);
    expect(aggregate.collectEvents()[0]?.originatorVersion).toBe(expected);
    aggregate.triggerEvent(AggregateEvent);
    expect(aggregate.version).toBe(expected + 1);
  });
});

describe("creating aggregates", () => {
  it("_create() uses the given id and the created event's timestamp", () => {
    const id = uuid4();
    const before = Date.now();
    const aggregate = Aggregate._create(AggregateCreated, { id });
    const after = Date.now();
    expect(aggregate.id).toBe(id);
    expect(aggregate.version).toBe(1);
    expect(aggregate.createdOn).toBeInstanceOf(Date);
    expect(aggregate.createdOn).toEqual(aggregate.modifiedOn);
    expect(aggregate.createdOn.getTime()).toBeGreaterThanOrEqual(before);
    expect(aggregate.createdOn.getTime()).toBeLessThanOrEqual(after);
  });

  it("create() on the base class gives a UUID id, version 1 and one Created event", () => {
    const aggregate = Aggregate.create();
    expect(isUuid(aggregate.id)).toBe(true);
    expect(aggregate.version).toBe(1);
    expect(aggregate.createdOn).toEqual(aggregate.modifiedOn);
    const pending = aggregate.collectEvents();
    expect(pending).toHaveLength(1);
    expect(pending[0]?.constructor).toBe(Aggregate.Created);
    expect(pending[0]?.originatorId).toBe(aggregate.id);
  });

  it("refuses `new`, which would make an aggregate without a created event", () => {
    class NoNew extends Aggregate {}
    expect(() => new NoNew()).toThrow("NoNew is event-sourced: create it with NoNew.create(...)");
  });

  it("passes positional constructor arguments as created event attributes", () => {
    class Positional extends Aggregate {
      constructor(
        readonly a: number,
        readonly b = 0,
      ) {
        super();
      }
    }
    const one = Positional.create(1);
    expect([one.a, one.b]).toEqual([1, 0]);
    const two = Positional.create(1, 2);
    expect([two.a, two.b]).toEqual([1, 2]);
    const [created] = two.collectEvents();
    expect({ ...created }).toMatchObject({ a: 1, b: 2 });
    expect(created?.mutate(null)?.equals(two)).toBe(true);
  });

  it("passes a destructured object parameter as created event attributes", () => {
    class ObjectParam extends Aggregate {
      a: number;
      b: number;
      c: number;
      constructor({ a, b = 0, c }: { a: number; b?: number; c: number }) {
        super();
        this.a = a;
        this.b = b;
        this.c = c;
      }
    }
    const aggregate = ObjectParam.create({ a: 1, c: 2 });
    expect([aggregate.a, aggregate.b, aggregate.c]).toEqual([1, 0, 2]);
    const [created] = aggregate.collectEvents();
    expect(created?.mutate(null)?.equals(aggregate)).toBe(true);
  });

  it("runs field initialisers once, on creation and on reconstruction", () => {
    let runs = 0;
    const fresh = (): string[] => {
      runs++;
      return [];
    };
    class Initialised extends Aggregate {
      history: string[] = fresh();
    }
    const aggregate = Initialised.create();
    expect(runs).toBe(1);
    aggregate.triggerEvent(AggregateEvent);
    expect(runs).toBe(1);
    const [created, next] = aggregate.collectEvents();
    next?.mutate(created?.mutate(null));
    expect(runs).toBe(2);
  });

  it("inherits the constructor signature of a parent aggregate class", () => {
    class Parent extends Aggregate {
      constructor(readonly name: string) {
        super();
      }
    }
    class Child extends Parent {
      extra: string[] = [];
    }
    const child = Child.create("kid");
    expect(child.name).toBe("kid");
    expect(child.extra).toEqual([]);
    const [created] = child.collectEvents();
    expect({ ...created }).toMatchObject({ name: "kid" });
    expect(created?.mutate(null)?.equals(child)).toBe(true);
  });

  it("refuses surplus arguments", () => {
    class NoArgs extends Aggregate {}
    expect(() => (NoArgs.create as (...args: unknown[]) => unknown)(1)).toThrow(
      "NoArgs.create() takes 0 arguments but 1 were given",
    );
  });

  it("refuses rest parameters, which cannot name attributes", () => {
    class Rest extends Aggregate {
      values: number[];
      constructor(...values: number[]) {
        super();
        this.values = values;
      }
    }
    expect(() => Rest.create(1, 2)).toThrow(
      "Rest constructor: variable (rest) parameters are not supported",
    );
  });

  it("derives the id from createId() with the matching constructor arguments", () => {
    class Named extends Aggregate {
      constructor(
        readonly name: string,
        readonly body = "",
      ) {
        super();
      }
      static override createId(name: string): string {
        return uuid5(NAMESPACE_URL, `/names/${name}`);
      }
    }
    const aggregate = Named.create("foo", "text");
    expect(aggregate.id).toBe(uuid5(NAMESPACE_URL, "/names/foo"));
    expect(aggregate.id).toBe(Named.createId("foo"));
    const [created] = aggregate.collectEvents();
    expect(created?.mutate(null)?.id).toBe(aggregate.id);
  });

  it("uses an `id` constructor parameter as the aggregate id", () => {
    class GivenId extends Aggregate {
      constructor(
        id: string,
        readonly name: string,
      ) {
        super();
        expect(this.id).toBe(id);
      }
    }
    // Not named `id`: esbuild renames parameters that shadow outer bindings (see docs).
    const givenId = uuid4();
    const aggregate = GivenId.create(givenId, "foo");
    expect(aggregate.id).toBe(givenId);
    expect(aggregate.name).toBe("foo");
    const [created] = aggregate.collectEvents();
    expect({ ...created }).not.toHaveProperty("id");
    expect(created?.mutate(null)?.equals(aggregate)).toBe(true);
  });

  it("refuses ids that are not lower-case UUID strings", () => {
    class BadId extends Aggregate {
      constructor(id: string) {
        super();
        void id;
      }
    }
    expect(() => BadId.create("not-a-uuid")).toThrow(
      "BadId id must be a lower-case UUID string, got 'not-a-uuid'",
    );
    expect(() => Aggregate._create(AggregateCreated, { id: uuid4().toUpperCase() })).toThrow(
      TypeError,
    );
  });
});

describe("subsequent events", () => {
  class Counter extends Aggregate {
    count = 0;
    static Incremented = class Incremented extends AggregateEvent {
      declare readonly by: number;
      override apply(counter: Counter): void {
        if (this.by < 0) throw new RangeError("negative");
        counter.count += this.by;
      }
    };
    increment(by = 1): void {
      this.triggerEvent(Counter.Incremented, { by });
    }
  }

  it("triggerEvent applies the event, advances the version and records it pending", () => {
    const aggregate = Aggregate.create();
    aggregate.triggerEvent(AggregateEvent);
    expect(aggregate.version).toBe(2);
    expect(aggregate.modifiedOn.getTime()).toBeGreaterThanOrEqual(aggregate.createdOn.getTime());
    const pending = aggregate.collectEvents();
    expect(pending.map((e) => e.originatorVersion)).toEqual([1, 2]);
    expect(pending[0]).toBeInstanceOf(AggregateCreated);
    expect(pending[1]).toBeInstanceOf(AggregateEvent);
    expect(pending[1]?.originatorId).toBe(aggregate.id);
    expect(pending[1]?.timestamp).toEqual(aggregate.modifiedOn);
  });

  it("an apply() that throws leaves the aggregate and its pending events untouched", () => {
    const counter = Counter.create();
    counter.increment(2);
    const before = {
      version: counter.version,
      modifiedOn: counter.modifiedOn,
      count: counter.count,
    };
    expect(() => counter.increment(-1)).toThrow(RangeError);
    expect({
      version: counter.version,
      modifiedOn: counter.modifiedOn,
      count: counter.count,
    }).toEqual(before);
    expect(counter.pendingEvents).toHaveLength(2);
  });

  it("refuses an event whose version is not the aggregate's next", () => {
    const counter = Counter.create();
    counter.increment();
    const [, incremented] = counter.pendingEvents;
    expect(() => incremented?.mutate(counter)).toThrow(VersionError);
    expect(() => incremented?.mutate(counter)).toThrow(
      `Counter.Incremented has originator version 2 but the next version of aggregate ${counter.id} is 3`,
    );
    expect(counter.count).toBe(1);
  });

  it("refuses an event of another aggregate", () => {
    const one = Counter.create();
    const other = Counter.create();
    const event = new Counter.Incremented({
      originatorId: other.id,
      originatorVersion: 2,
      timestamp: new Date(),
      by: 1,
    });
    expect(() => event.mutate(one)).toThrow(OriginatorIdError);
  });

  it("never timestamps an event earlier than the previous one", () => {
    const counter = Counter.create();
    const future = new Date(Date.now() + 60_000);
    counter.modifiedOn = future;
    counter.increment();
    expect(counter.pendingEvents[1]?.timestamp).toEqual(future);
    expect(counter.modifiedOn).toEqual(future);
  });

  it("wraps an event constructor's failure in a TypeError naming the event", () => {
    class NeedsA extends AggregateEvent {
      declare readonly a: number;
      constructor(attributes: ConstructorParameters<typeof AggregateEvent>[0]) {
        if (attributes.a === undefined) throw new TypeError("missing required attribute 'a'");
        super(attributes);
      }
    }
    const aggregate = Aggregate.create();
    expect(() => aggregate.triggerEvent(NeedsA, {} as { a: number })).toThrow(
      /^Can't construct event NeedsA: missing required attribute 'a'$/,
    );
    expect(aggregate.version).toBe(1);
  });

  it("explains the class-field trap: event attributes need `declare`", () => {
    class Undeclared extends AggregateEvent {
      readonly what: string = "";
    }
    const aggregate = Aggregate.create();
    expect(() => aggregate.triggerEvent(Undeclared, { what: "x" })).toThrow(
      /declare event attributes with `declare`/,
    );
    expect(aggregate.pendingEvents).toHaveLength(1);
  });

  it("refuses apply() methods that return a value", () => {
    class Returning extends Aggregate {
      static ValueUpdated = class ValueUpdated extends AggregateEvent {
        override apply(): unknown {
          return 1;
        }
      };
    }
    const aggregate = Returning.create();
    expect(() => aggregate.triggerEvent(Returning.ValueUpdated)).toThrow(
      "Unexpected value returned from Returning.ValueUpdated.apply(). Values returned from 'apply' methods are discarded.",
    );
    expect(aggregate.version).toBe(1);
  });
});

describe("equality and string form", () => {
  class Pair extends Aggregate {
    a = 1;
    declare _b?: number;
    static BSet = class BSet extends AggregateEvent {
      declare readonly b: number;
      override apply(pair: Pair): void {
        pair._b = this.b;
      }
    };
    setB(b: number): void {
      this.triggerEvent(Pair.BSet, { b });
    }
  }

  it("is equal to itself and to its reconstruction, not to others", () => {
    const pair = Pair.create();
    expect(pair.equals(pair)).toBe(true);
    expect(pair.equals(Pair.create())).toBe(false);
    const [created] = pair.pendingEvents;
    const copy = created?.mutate(null);
    expect(copy?.equals(pair)).toBe(true);
    pair.setB(2);
    expect(copy?.equals(pair)).toBe(false);
    pair.collectEvents();
    expect(copy?.equals(pair)).toBe(false);
    expect(pair.equals({ ...pair })).toBe(false);
  });

  it("is not equal to an aggregate with the same id created at another time", () => {
    const id = uuid4();
    const one = Pair._create(Pair.Created, { id });
    const two = Pair._create(Pair.Created, { id });
    two.modifiedOn = new Date(one.modifiedOn.getTime() + 1);
    expect(one.equals(two)).toBe(false);
  });

  it("reads as Class(id=…, version=…, createdOn=…, modifiedOn=…)", () => {
    const aggregate = Aggregate.create();
    const iso = aggregate.createdOn.toISOString();
    expect(aggregate.toString()).toBe(
      `Aggregate(id='${aggregate.id}', version=1, createdOn=${iso}, modifiedOn=${iso})`,
    );
    aggregate.triggerEvent(AggregateEvent);
    expect(aggregate.toString()).toContain("version=2");
  });

  it("appends the subclass's fields, leading underscores stripped, pending events excluded", () => {
    const pair = Pair.create();
    const start = `Pair(id='${pair.id}', version=1, createdOn=${pair.createdOn.toISOString()}`;
    expect(pair.toString()).toBe(`${start}, modifiedOn=${pair.modifiedOn.toISOString()}, a=1)`);
    pair.setB(2);
    expect(pair.toString()).toMatch(/, a=1, b=2\)$/);
    expect(pair.toString()).not.toContain("pending");
  });
});

describe("bank account", () => {
  class InsufficientFundsError extends Error {}
  class AccountClosedError extends Error {}

  class BankAccount extends Aggregate {
    balance = 0;
    overdraftLimit = 0;
    isClosed = false;

    constructor(
      readonly fullName: string,
      readonly emailAddress: string,
    ) {
      super();
    }

    static TransactionAppended = class TransactionAppended extends AggregateEvent {
      declare readonly amount: number;
      override apply(account: BankAccount): void {
        account.balance += this.amount;
      }
    };
    static OverdraftLimitSet = class OverdraftLimitSet extends AggregateEvent {
      declare readonly overdraftLimit: number;
      override apply(account: BankAccount): void {
        account.overdraftLimit = this.overdraftLimit;
      }
    };
    static Closed = class Closed extends AggregateEvent {
      override apply(account: BankAccount): void {
        account.isClosed = true;
      }
    };

    appendTransaction(amount: number): void {
      if (this.isClosed) throw new AccountClosedError(`Account ${this.id} is closed`);
      if (this.balance + amount < -this.overdraftLimit) {
        throw new InsufficientFundsError(`Insufficient funds in account ${this.id}`);
      }
      this.triggerEvent(BankAccount.TransactionAppended, { amount });
    }
    setOverdraftLimit(overdraftLimit: number): void {
      this.triggerEvent(BankAccount.OverdraftLimitSet, { overdraftLimit });
    }
    close(): void {
      this.triggerEvent(BankAccount.Closed);
    }
  }

  it("keeps a balance and refuses what it must", () => {
    const account = BankAccount.create("Alice", "alice@example.com");
    expect(account.createdOn).toEqual(account.modifiedOn);
    expect(account.balance).toBe(0);
    account.appendTransaction(10);
    expect(account.modifiedOn.getTime()).toBeGreaterThanOrEqual(account.createdOn.getTime());
    expect(account.balance).toBe(10);
    account.appendTransaction(10);
    expect(account.balance).toBe(20);
    account.appendTransaction(-15);
    expect(account.balance).toBe(5);
    expect(() => account.appendTransaction(-15)).toThrow(InsufficientFundsError);
    account.setOverdraftLimit(100);
    account.appendTransaction(-15);
    expect(account.balance).toBe(-10);
    account.close();
    expect(() => account.appendTransaction(-15)).toThrow(AccountClosedError);
    const pending = account.collectEvents();
    expect(pending).toHaveLength(7);

    let copy: BankAccount | null | undefined = null;
    for (const e of pending) copy = e.mutate(copy) as BankAccount;
    expect(copy?.equals(account)).toBe(true);
    expect(copy?.fullName).toBe("Alice");
  });
});
