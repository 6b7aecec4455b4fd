/** The `@aggregate` class decorator. */
import { describe, expect, it } from "vitest";
import {
  Aggregate,
  AggregateEvent,
  aggregate,
  event,
  hasTopic,
  resolveTopic,
} from "../src/index.js";

describe("@aggregate", () => {
  it("registers the class and its events when the class is defined", () => {
    @aggregate
    class Ledger extends Aggregate {
      entries: string[] = [];
      @event("Entered")
      enter(entry: string) {
        this.entries.push(entry);
      }
    }
    // Nothing has been created yet, and the topics already resolve.
    expect(resolveTopic("Ledger")).toBe(Ledger);
    expect(resolveTopic("Ledger.Entered")).toBe(
      (Ledger as unknown as { Entered: typeof AggregateEvent }).Entered,
    );
    expect(hasTopic("Ledger.Created")).toBe(true);
  });

  it("takes a topic and a created event name", () => {
    @aggregate({ topic: "shop.Order", createdEventName: "Started" })
    class Order extends Aggregate {
      constructor(readonly name: string) {
        super();
      }
    }
    expect(resolveTopic("shop.Order")).toBe(Order);
    expect(hasTopic("shop.Order.Started")).toBe(true);
    const order = Order.create("my order");
    const pending = order.collectEvents();
    expect(pending[0]?.constructor.name).toBe("Started");

    @aggregate("shop.Basket")
    class Basket extends Aggregate {}
    expect(resolveTopic("shop.Basket")).toBe(Basket);
  });

  it("reports mistakes at class definition, naming the class", () => {
    expect(() => {
      @aggregate
      class Taken extends Aggregate {
        static Confirmed = class Confirmed extends AggregateEvent {};
        @event("Confirmed")
        confirm() {}
      }
      return Taken;
    }).toThrow("Confirmed event already defined on Taken");
  });

  it("refuses classes that do not extend Aggregate", () => {
    expect(() => {
      // @ts-expect-error: not an aggregate class
      @aggregate
      class Plain {}
      return Plain;
    }).toThrow("@aggregate needs Plain to extend Aggregate");
  });
});
