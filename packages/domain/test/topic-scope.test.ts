/**
 * Scopes of topics for tests: what a scope registers is forgotten when it ends, so tests of one
 * file may each define a class of the same name, and a test may put a new class under an old
 * topic (a redeployment); what was registered before the scope stays.
 */
import { describe, expect, it } from "vitest";
import { Aggregate, aggregate, event, getTopic, resolveTopic, TopicError } from "../src/index.js";
import { topicScope, withTopicScope } from "../src/testing.js";

@aggregate("ScopeKept")
class Kept extends Aggregate {}

const defineOrder = () => {
  @aggregate("ScopedOrder")
  class Order extends Aggregate {
    declare static readonly Confirmed: typeof import("../src/index.js").AggregateEvent;
    @event("Confirmed")
    confirm() {}
  }
  return Order;
};

describe("a scope of topics", () => {
  it("forgets the classes registered in it, nested events too, so the next may take their topics", () => {
    const scope = topicScope();
    const first = defineOrder();
    expect(resolveTopic("ScopedOrder")).toBe(first);
    expect(resolveTopic("ScopedOrder.Confirmed")).toBe(first.Confirmed);
    // Outside a scope, a second class under the topic is refused.
    expect(() => defineOrder()).toThrow(TopicError);
    scope.end();
    expect(() => resolveTopic("ScopedOrder")).toThrow(TopicError);
    expect(() => resolveTopic("ScopedOrder.Confirmed")).toThrow(TopicError);

    const again = topicScope();
    const second = defineOrder();
    expect(second).not.toBe(first);
    expect(resolveTopic("ScopedOrder")).toBe(second);
    again.end();
    again.end();
  });

  it("keeps what was registered before it began", async () => {
    await withTopicScope(async () => {
      defineOrder();
      await Promise.resolve();
    });
    expect(resolveTopic("ScopeKept")).toBe(Kept);
    expect(getTopic(Kept)).toBe("ScopeKept");
    expect(() => resolveTopic("ScopedOrder")).toThrow(TopicError);
  });

  it("ends when its body throws, and returns what its body returns", () => {
    expect(() =>
      withTopicScope(() => {
        defineOrder();
        throw new Error("the test failed");
      }),
    ).toThrow("the test failed");
    expect(() => resolveTopic("ScopedOrder")).toThrow(TopicError);
    expect(withTopicScope(() => getTopic(defineOrder()))).toBe("ScopedOrder");
    expect(() => resolveTopic("ScopedOrder")).toThrow(TopicError);
  });
});
