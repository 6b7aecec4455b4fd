/**
 * The parts of subscriptions that every store shares: a store that never signals is still
 * followed (by the poll), a listener that throws doesn't fail the writer, a shared feed starts
 * with its first listener and stops with its last, and a subscription of any generator ends at
 * once when returned or aborted, even while it waits.
 */
import { getEventListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  type ChangeFeed,
  ChangeNotifier,
  combinedFeed,
  InMemoryApplicationRecorder,
  notificationSubscription,
  SharedFeed,
  subscription,
} from "../src/index.js";
import { makeStoredEvent } from "../src/testing/index.js";

/** A store's feed that never signals: only the poll finds what is new. */
const silent: ChangeFeed = { listen: async () => async () => {} };

describe("subscriptions' shared parts", () => {
  it("follow a store that never signals, by polling", async () => {
    const recorder = new InMemoryApplicationRecorder();
    const followed = notificationSubscription(recorder, silent, { pollIntervalMs: 5 });
    const waiting = followed.next();
    await recorder.insertEvents([makeStoredEvent("a", 1)]);
    expect((await waiting).value?.id).toBe(1);
    await followed.return();
  });

  it("call every listener of a notifier, and report one that throws without failing the writer", async () => {
    const notifier = new ChangeNotifier();
    const calls: string[] = [];
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.prependListener("uncaughtException", onUncaught);
    try {
      const stopA = await notifier.listen(() => calls.push("a"));
      notifier.add(() => {
        throw new Error("listener failed");
      });
      notifier.add(() => calls.push("b"));
      expect(() => notifier.notify()).not.toThrow();
      expect(calls).toEqual(["a", "b"]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(uncaught).toMatchObject([{ message: "listener failed" }]);
      await stopA();
      expect(notifier.listenerCount).toBe(2);
    } finally {
      process.removeListener("uncaughtException", onUncaught);
    }
  });

  it("start a shared feed with its first listener and stop it with its last", async () => {
    const events: string[] = [];
    let notify = () => {};
    const shared = new SharedFeed(async (given) => {
      events.push("start");
      notify = given;
      return async () => {
        events.push("stop");
      };
    });
    const heard: string[] = [];
    const stopA = await shared.listen(() => heard.push("a"));
    const stopB = await shared.listen(() => heard.push("b"));
    expect([events, shared.isRunning, shared.listenerCount]).toEqual([["start"], true, 2]);
    notify();
    expect(heard).toEqual(["a", "b"]);
    await stopA();
    await stopA();
    expect(events).toEqual(["start"]);
    await stopB();
    expect([events, shared.isRunning]).toEqual([["start", "stop"], false]);
    const stopC = await shared.listen(() => {});
    expect(events).toEqual(["start", "stop", "start"]);
    await stopC();
  });

  it("refuse the listeners of a feed that fails to start, and try again for the next", async () => {
    let attempts = 0;
    const shared = new SharedFeed(async () => {
      attempts++;
      if (attempts === 1) throw new Error("can't connect");
      return async () => {};
    });
    await expect(shared.listen(() => {})).rejects.toThrow("can't connect");
    expect([shared.isRunning, shared.listenerCount]).toEqual([false, 0]);
    const stop = await shared.listen(() => {});
    expect(attempts).toBe(2);
    await stop();
  });

  it("listen to every feed of a combined one, and stop them all", async () => {
    const [a, b] = [new ChangeNotifier(), new ChangeNotifier()];
    let heard = 0;
    const stop = await combinedFeed([a, b]).listen(() => heard++);
    a.notify();
    b.notify();
    expect(heard).toBe(2);
    await stop();
    expect([a.listenerCount, b.listenerCount]).toEqual([0, 0]);
  });

  it("end a subscription at once on return(), though its generator waits", async () => {
    let finished = false;
    const ticks = subscription(async function* (signal) {
      try {
        for (let i = 0; ; i++) {
          yield i;
          await sleep(60_000, undefined, { signal }).catch(() => {});
          if (signal.aborted) return;
        }
      } finally {
        finished = true;
      }
    });
    expect(await ticks.next()).toEqual({ done: false, value: 0 });
    const waiting = ticks.next();
    await new Promise((resolve) => setImmediate(resolve));
    await ticks.return();
    expect(finished).toBe(true);
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(await ticks.next()).toEqual({ done: true, value: undefined });
  });

  it("end a subscription when the caller's signal aborts, and keep no listener of it after", async () => {
    const controller = new AbortController();
    const stopped = subscription(async function* (signal) {
      yield 1;
      await sleep(60_000, undefined, { signal }).catch(() => {});
    }, controller.signal);
    for await (const value of stopped) {
      expect(value).toBe(1);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      controller.abort();
    }
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);

    const lasting = new AbortController();
    const unstarted = subscription(async function* () {
      yield 1;
    }, lasting.signal);
    await unstarted.return();
    expect(getEventListeners(lasting.signal, "abort")).toHaveLength(0);
  });
});
