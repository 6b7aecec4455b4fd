/**
 * The `@event` decorator: event classes from method signatures, method bodies as apply().
 */
import { describe, expect, it } from "vitest";
import {
  Aggregate,
  AggregateEvent,
  aggregate,
  type EventDecorator,
  event,
  getTopic,
  resolveTopic,
  triggers,
} from "../src/index.js";

type Statics = Record<string, unknown>;
const eventClass = (cls: object, name: string) => (cls as Statics)[name] as typeof AggregateEvent;

function replay<A extends Aggregate>(events: readonly AggregateEvent[]): A {
  let copy: A | null | undefined = null;
  for (const e of events) copy = e.mutate(copy) as A;
  if (!copy) throw new Error("no events");
  return copy;
}

describe("@event forms", () => {
  it("bare @event names the event after the method", () => {
    class Heart extends Aggregate {
      beats = 0;
      @event
      heartbeat() {
        this.beats++;
      }
    }
    const heart = Heart.create();
    heart.heartbeat();
    expect(heart.version).toBe(2);
    expect(heart.beats).toBe(1);
    const pending = heart.collectEvents();
    expect(pending[1]).toBeInstanceOf(eventClass(Heart, "Heartbeat"));
    expect(pending[1]?.constructor.name).toBe("Heartbeat");
    expect(getTopic(pending[1]?.constructor as typeof AggregateEvent)).toBe("Heart.Heartbeat");
    expect(replay<Heart>(pending).beats).toBe(1);
  });

  it("@event() with no arguments is the same as bare @event", () => {
    class Called extends Aggregate {
      value = 0;
      @event()
      valueChanged(value: number) {
        this.value = value;
      }
    }
    const called = Called.create();
    called.valueChanged(3);
    expect(called.collectEvents()[1]?.constructor.name).toBe("ValueChanged");
  });

  it("snake_case and camelCase method names both give PascalCase event names", () => {
    class Casing extends Aggregate {
      name = "";
      @event
      name_updated(name: string) {
        this.name = name;
      }
      @event
      nameUpdatedAgain(name: string) {
        this.name = name;
      }
    }
    const casing = Casing.create();
    casing.name_updated("a");
    casing.nameUpdatedAgain("b");
    expect(casing.collectEvents().map((e) => e.constructor.name)).toEqual([
      "Created",
      "NameUpdated",
      "NameUpdatedAgain",
    ]);
  });

  it("takes positional, defaulted and object arguments", () => {
    class Args extends Aggregate {
      a = 0;
      b = 0;
      @event
      positional(a: number, b = 10) {
        this.a = a;
        this.b = b;
      }
      @event
      byObject({ a, b = 20 }: { a: number; b?: number }) {
        this.a = a;
        this.b = b;
      }
    }
    const args = Args.create();
    args.positional(1);
    expect([args.a, args.b]).toEqual([1, 10]);
    args.positional(1, 2);
    expect([args.a, args.b]).toEqual([1, 2]);
    args.byObject({ a: 3 });
    expect([args.a, args.b]).toEqual([3, 20]);
    args.byObject({ a: 4, b: 5 });
    const pending = args.collectEvents();
    expect({ ...pending[4] }).toMatchObject({ a: 4, b: 5 });
    expect({ ...pending[3] }).toMatchObject({ a: 3 });
    expect(replay<Args>(pending).equals(args)).toBe(true);
  });

  it("keeps the method's name", () => {
    class Named extends Aggregate {
      @event
      valueChanged(_value: number) {}
    }
    expect(Named.prototype.valueChanged.name).toBe("valueChanged");
    expect(Named.create().valueChanged.name).toBe("valueChanged");
  });

  it("refuses surplus arguments as a TypeError naming the method", () => {
    class Strict extends Aggregate {
      @event
      valueChanged(_value: number) {}
    }
    const strict = Strict.create();
    expect(() => (strict.valueChanged as (...a: unknown[]) => void)(1, 2)).toThrow(
      "valueChanged() takes 1 argument but 2 were given",
    );
    expect(strict.version).toBe(1);
  });

  it('@event("Name") names the event class', () => {
    class Setter extends Aggregate {
      value = 0;
      @event("ValueChanged")
      setValue(value: number) {
        this.value = value;
      }
    }
    const setter = Setter.create();
    setter.setValue(1);
    expect(setter.collectEvents()[1]).toBeInstanceOf(eventClass(Setter, "ValueChanged"));
  });

  it("triggers is an alias of event", () => {
    expect(triggers).toBe(event);
  });

  it("decorates a property setter when given a name", () => {
    class WithProperty extends Aggregate {
      _value = 0;
      get value(): number {
        return this._value;
      }
      @event("ValueChanged")
      set value(value: number) {
        this._value = value;
      }
    }
    const aggregate = WithProperty.create();
    aggregate.value = 5;
    expect(aggregate.value).toBe(5);
    const pending = aggregate.collectEvents();
    expect(pending).toHaveLength(2);
    expect(pending[1]?.constructor.name).toBe("ValueChanged");
    expect(replay<WithProperty>(pending).value).toBe(5);
  });

  it("decorates private methods", () => {
    class Secretive extends Aggregate {
      secret = "";
      reveal(secret: string) {
        this.#hidden(secret);
      }
      @event("Revealed")
      #hidden(secret: string) {
        this.secret = secret;
      }
    }
    const aggregate = Secretive.create();
    aggregate.reveal("x");
    const pending = aggregate.collectEvents();
    expect(pending[1]?.constructor.name).toBe("Revealed");
    expect(replay<Secretive>(pending).secret).toBe("x");
  });

  it("lets subclasses trigger the events their parents declare", () => {
    class Parent extends Aggregate {
      log: string[] = [];
      @event("Logged")
      record(entry: string) {
        this.log.push(entry);
      }
    }
    class Child extends Parent {}
    const child = Child.create();
    child.record("x");
    const pending = child.collectEvents();
    expect(getTopic(pending[1]?.constructor as typeof AggregateEvent)).toBe("Parent.Logged");
    const copy = replay<Child>(pending);
    expect(copy).toBeInstanceOf(Child);
    expect(copy.log).toEqual(["x"]);
  });
});

describe("@event misuse", () => {
  it("refuses static methods", () => {
    expect(() => {
      class StaticUse extends Aggregate {
        @event
        static valueChanged() {}
      }
      return StaticUse;
    }).toThrow("valueChanged() static method can't be used to update aggregate state");
  });

  it("refuses property getters and unnamed setters", () => {
    expect(() => {
      class Getter extends Aggregate {
        @(event("ValueChanged") as unknown as (v: unknown, c: ClassGetterDecoratorContext) => void)
        get value() {
          return 1;
        }
      }
      return Getter;
    }).toThrow("@event can't decorate value() property getter");
    expect(() => {
      class UnnamedSetter extends Aggregate {
        @(event as unknown as EventDecorator)
        set value(_v: number) {}
      }
      return UnnamedSetter;
    }).toThrow("@event on value() property setter requires event class name");
  });

  it("refuses an empty name and values that are neither names nor event classes", () => {
    expect(() => event("")).toThrow(RangeError);
    expect(() => event("")).toThrow("Can't use empty string as name of event class");
    expect(() => event(1 as unknown as string)).toThrow(
      "Unsupported usage: number is not a string or an aggregate event class",
    );
    expect(() => event(class NotAnEvent {} as unknown as string)).toThrow(
      "Unsupported usage: function NotAnEvent is not a string or an aggregate event class",
    );
    expect(() =>
      (event("EventName") as unknown as (m: unknown, c: unknown) => void)(1, {}),
    ).toThrow("Unsupported usage: number is not a method of an aggregate class");
  });

  it("fails at class definition when attribute names can't be determined", () => {
    expect(() => {
      class Variadic extends Aggregate {
        @event
        valuesChanged(..._values: number[]) {}
      }
      return Variadic;
    }).toThrow(
      "@event can't determine the event attributes of valuesChanged(): variable (rest) parameters are not supported",
    );
    expect(() => {
      class ArrayPattern extends Aggregate {
        @event
        pairChanged([_a, _b]: [number, number]) {}
      }
      return ArrayPattern;
    }).toThrow(/^@event can't determine the event attributes of pairChanged\(\): /);
  });

  it("refuses calls on something that is not an aggregate", () => {
    class Unbound extends Aggregate {
      @event
      valueChanged(_value: number) {}
    }
    expect(() => Unbound.prototype.valueChanged.call(null, 1)).toThrow(
      "valueChanged() is decorated with @event but was not called on an aggregate",
    );
  });

  it("refuses two decorators declaring one event name, naming the class, when it is first used", () => {
    // A method decorator runs before its class exists, so the class is named once it does.
    class Twice extends Aggregate {
      @event("Confirmed")
      confirm() {}
      @event("Confirmed")
      reconfirm() {}
    }
    const message =
      "Confirmed event already defined on Twice: confirm() and reconfirm() both trigger it";
    expect(() => Twice.create()).toThrow(new TypeError(message));
    expect(() => getTopic(Twice)).toThrow(message);
  });

  it("refuses two decorators declaring one event name at class definition when it is @aggregate", () => {
    expect(() => {
      @aggregate("TwiceDecorated")
      class TwiceDecorated extends Aggregate {
        @event("Confirmed")
        confirm() {}
        @event("Confirmed")
        reconfirm() {}
      }
      return TwiceDecorated;
    }).toThrow(
      "Confirmed event already defined on TwiceDecorated: confirm() and reconfirm() both trigger it",
    );
  });

  it("refuses a name already taken by a static member", () => {
    class Taken extends Aggregate {
      static Confirmed = class Confirmed extends AggregateEvent {};
      @event("Confirmed")
      confirm() {}
    }
    expect(() => Taken.create()).toThrow("Confirmed event already defined on Taken");
  });

  it("refuses decorated methods that return a value", () => {
    class Returns extends Aggregate {
      @event
      name(): unknown {
        return 1;
      }
    }
    const aggregate = Returns.create();
    expect(() => aggregate.name()).toThrow(
      "Unexpected value returned from Returns.name(). Values returned from 'apply' methods are discarded.",
    );
    expect(aggregate.version).toBe(1);
    expect(aggregate.pendingEvents).toHaveLength(1);
  });
});

describe("@event with an explicit event class", () => {
  class Confirmed extends AggregateEvent {
    declare readonly at: Date;
  }

  class ExplicitOrder extends Aggregate {
    static Confirmed = Confirmed;
    confirmedAt?: Date;

    @event(Confirmed)
    confirm(at: Date) {
      this.confirmedAt = at;
    }
  }

  it("uses the given class and the method body as its apply()", () => {
    const order = ExplicitOrder.create();
    const at = new Date();
    order.confirm(at);
    const pending = order.collectEvents();
    expect(pending[1]).toBeInstanceOf(Confirmed);
    expect((pending[1] as Confirmed).at).toBe(at);
    expect(getTopic(Confirmed)).toBe("ExplicitOrder.Confirmed");
    expect(resolveTopic("ExplicitOrder.Confirmed")).toBe(Confirmed);
    expect(replay<ExplicitOrder>(pending).confirmedAt).toEqual(at);
  });

  it("refuses a class that defines its own apply()", () => {
    class Applying extends AggregateEvent {
      override apply(): void {}
    }
    expect(() => event(Applying)).not.toThrow();
    expect(() => {
      class Conflicting extends Aggregate {
        @event(Applying)
        confirm() {}
      }
      return Conflicting;
    }).toThrow("Applying event class has unexpected apply() method");
  });

  it("refuses one class in two decorators", () => {
    class Shipped extends AggregateEvent {}
    expect(() => {
      class Shipping extends Aggregate {
        @event(Shipped)
        ship() {}
        @event(Shipped)
        reship() {}
      }
      return Shipping;
    }).toThrow("Shipped event class used in more than one decorator");
  });
});

describe("commands around decorated methods", () => {
  it("skips events when nothing changes (update_name / name_updated)", () => {
    class Renamable extends Aggregate {
      constructor(public name: string) {
        super();
      }
      updateName(name: string) {
        if (name !== this.name) this.nameUpdated(name);
      }
      @event
      nameUpdated(name: string) {
        this.name = name;
      }
    }
    const agg = Renamable.create("foo");
    for (const name of ["foo", "foo", "foo", "bar", "bar", "bar", "bar"]) agg.updateName(name);
    const pending = agg.collectEvents();
    expect(pending).toHaveLength(2);
    expect(pending[1]?.constructor.name).toBe("NameUpdated");
  });

  /** The Order example: a guard in an undecorated command, the event on a private method. */
  class Order extends Aggregate {
    confirmedAt: Date | null = null;
    pickedupAt: Date | null = null;

    constructor(readonly name: string) {
      super();
    }

    @event("Confirmed")
    confirm(at: Date) {
      this.confirmedAt = at;
    }

    pickup(at: Date) {
      if (this.confirmedAt) this._pickup(at);
      else throw new Error("Order is not confirmed");
    }

    @event("PickedUp")
    private _pickup(at: Date) {
      this.pickedupAt = at;
    }
  }

  it("runs the Order example and reconstructs it", () => {
    const order = Order.create("my order");
    expect(() => order.pickup(new Date())).toThrow("Order is not confirmed");
    expect(order.pendingEvents).toHaveLength(1);
    expect(order.pickedupAt).toBeNull();
    order.confirm(new Date());
    order.pickup(new Date(Date.now() + 1));
    expect(order.name).toBe("my order");
    expect(order.confirmedAt).toBeInstanceOf(Date);
    expect(order.pickedupAt).toBeInstanceOf(Date);
    expect(order.pickedupAt?.getTime()).toBeGreaterThan(order.confirmedAt?.getTime() ?? 0);

    const pending = order.collectEvents();
    expect(pending.map((e) => e.constructor.name)).toEqual(["Created", "Confirmed", "PickedUp"]);
    const copy = replay<Order>(pending);
    expect(copy.name).toBe(order.name);
    expect(copy.createdOn).toEqual(order.createdOn);
    expect(copy.modifiedOn).toEqual(order.modifiedOn);
    expect(copy.confirmedAt).toEqual(order.confirmedAt);
    expect(copy.pickedupAt).toEqual(order.pickedupAt);
  });

  it("a decorated command that throws records no event (atomic command)", () => {
    class GuardedOrder extends Aggregate {
      confirmedAt: Date | null = null;
      pickedupAt: Date | null = null;
      @event("Confirmed")
      confirm(at: Date) {
        this.confirmedAt = at;
      }
      @event("PickedUp")
      pickup(at: Date) {
        if (!this.confirmedAt) throw new Error("Order is not confirmed");
        this.pickedupAt = at;
      }
    }
    const order = GuardedOrder.create();
    expect(order.pendingEvents).toHaveLength(1);
    expect(() => order.pickup(new Date())).toThrow("Order is not confirmed");
    expect(order.pendingEvents).toHaveLength(1);
    expect(order.version).toBe(1);
  });
});
