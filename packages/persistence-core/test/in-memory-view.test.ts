/** The in-memory view runs the view conformance kit, and keeps its state apart from readers. */
import { describe, expect, it } from "vitest";
import { InMemoryView, ProgrammingError } from "../src/index.js";
import { describeView } from "../src/testing/index.js";

interface Keys {
  keys: string[];
}

describeView("InMemoryView", async () => new InMemoryView("keys", (): Keys => ({ keys: [] })), {
  write: async (state: Keys, key) => {
    state.keys.push(key);
  },
  read: async (view) => view.state.keys,
});

describe("InMemoryView", () => {
  it("gives readers the state the last transaction that succeeded left", async () => {
    const view = new InMemoryView("counts", () => ({ counts: new Map<string, number>() }));
    const before = view.state;
    await view.transaction({ applicationName: "Worlds", first: 1, last: 2 }, async (state) => {
      state.counts.set("a", 2);
      // The body works on a copy: readers see nothing of the page until it commits.
      expect(view.state.counts.has("a")).toBe(false);
    });
    expect(view.state.counts.get("a")).toBe(2);
    expect(before.counts.has("a")).toBe(false);
  });

  it("refuses a name that isn't a plain identifier, naming it", () => {
    expect(() => new InMemoryView("two words", () => ({}))).toThrow(ProgrammingError);
    expect(() => new InMemoryView("two words", () => ({}))).toThrow(/'two words'/);
  });

  it("refuses a state that can't be cloned, and keeps the state it had", async () => {
    const view = new InMemoryView("callbacks", () => ({ callbacks: [] as (() => void)[] }));
    await expect(
      view.transaction({ applicationName: "Worlds", first: 1, last: 1 }, async (state) => {
        state.callbacks.push(() => {});
      }),
    ).resolves.toBeUndefined();
    const page = { applicationName: "Worlds", first: 2, last: 2 };
    await expect(view.transaction(page, async () => {})).rejects.toThrow(/could not be cloned/);
    expect(await view.maxTrackingId("Worlds")).toBe(1);
  });
});
