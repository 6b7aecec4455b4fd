/**
 * The view conformance kit: one vitest suite that every view runs against itself (in memory,
 * SQLite, PostgreSQL, third-party), pinning what exactly-once processing rests on — a page's
 * rows and its tracking record commit together or not at all, and a page any of whose
 * notifications is tracked is refused, whichever runner sent it — and what rebuilding rests on:
 * a rebuild is built apart from the view, and switched in whole, its tracking records with it.
 */
import { describe, expect, it } from "vitest";
import { IntegrityError, ProgrammingError } from "../errors.js";
import type { Page, View, ViewRebuild } from "../view.js";
import { using } from "./kit-helpers.js";
import { describeTrackingRecorder } from "./recorder-kit.js";

/**
 * How the view conformance tests write to a view, read it, and release it. (Type `write`'s
 * session parameter: the kit takes the view's session type from it.)
 */
export interface ViewKitOptions<S, V extends View<S>> {
  /** Writes one row, known by `key`, with a transaction's session. */
  write(session: S, key: string): Promise<void>;
  /** The keys of the view's rows (in any order; a key written twice is there twice). */
  read(view: V): Promise<readonly string[]>;
  /** Releases a view made for a test (close connections, remove files). */
  readonly dispose?: (view: V) => Promise<void> | void;
}

const page = (first: number, last: number, applicationName = "upstream"): Page => ({
  applicationName,
  first,
  last,
});

const sorted = (keys: readonly string[]) => [...keys].sort();

/** A view whose rebuilds are built in views of its own kind (`V`). */
interface Rebuilds<S, V extends View<S>> {
  rebuild(): Promise<ViewRebuild<S, V>>;
}

/** A rebuild of `view`, typed by the view's own kind (`view.rebuild()` would be `View<S>`'s). */
const rebuildOf = <S, V extends View<S>>(view: Rebuilds<S, V>) => view.rebuild();

/**
 * View promises: transactions that commit a page's rows with its tracking record or nothing,
 * refuse pages already processed (also when runners race), reset, create tables again
 * harmlessly, and rebuild beside themselves. A view is a tracking recorder, so it keeps those
 * promises too.
 *
 * @param create - makes a new, empty view, its tables created.
 * @typeParam V - the view, whose rebuilds are built in views of its kind, which `read` reads.
 */
export function describeView<S, V extends View<S> & { rebuild(): Promise<ViewRebuild<S, V>> }>(
  name: string,
  create: () => Promise<V>,
  options: ViewKitOptions<S, V>,
): void {
  const { write, read } = options;
  const withView = <T>(body: (view: V) => Promise<T>) => using(create, options, body);

  describeTrackingRecorder(name, create, options);

  describe(`${name}: view`, () => {
    it("commits the body's rows with the page's tracking record, and gives its result", () =>
      withView(async (view) => {
        const result = await view.transaction(page(1, 3), async (session) => {
          await write(session, "a");
          await write(session, "b");
          return 42;
        });
        expect(result).toBe(42);
        expect(sorted(await read(view))).toEqual(["a", "b"]);
        expect(await view.maxTrackingId("upstream")).toBe(3);
        expect(await view.hasTrackingId("upstream", 2)).toBe(true);
      }));

    it("leaves no rows and no tracking record when the body throws, and rethrows its error", () =>
      withView(async (view) => {
        await view.transaction(page(1, 1), (session) => write(session, "kept"));
        const failure = new Error("the projection failed");
        const outcome = view.transaction(page(2, 5), async (session) => {
          await write(session, "lost");
          throw failure;
        });
        await expect(outcome).rejects.toBe(failure);
        expect(await read(view)).toEqual(["kept"]);
        expect(await view.maxTrackingId("upstream")).toBe(1);
        await view.transaction(page(2, 5), (session) => write(session, "again"));
        expect(sorted(await read(view))).toEqual(["again", "kept"]);
      }));

    it("refuses a page with a tracked notification, naming it, without running the body", () =>
      withView(async (view) => {
        await view.transaction(page(1, 5), (session) => write(session, "first"));
        for (const [first, last] of [
          [5, 9],
          [3, 4],
          [1, 1],
        ] as const) {
          let ran = false;
          const error = await view
            .transaction(page(first, last), async (session) => {
              ran = true;
              await write(session, `again ${first}`);
            })
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(IntegrityError);
          expect(String(error)).toContain(`'${view.name}'`);
          expect(String(error)).toContain(`notifications ${first}-${last} of 'upstream'`);
          expect(ran).toBe(false);
        }
        expect(await read(view)).toEqual(["first"]);
        expect(await view.maxTrackingId("upstream")).toBe(5);
      }));

    it("takes pages with gaps between and within them, and only after the position", () =>
      withView(async (view) => {
        await view.transaction(page(1, 1), (session) => write(session, "1"));
        await view.transaction(page(4, 9), (session) => write(session, "4-9"));
        expect(await view.maxTrackingId("upstream")).toBe(9);
        await expect(
          view.transaction(page(7, 8), (session) => write(session, "7-8")),
        ).rejects.toBeInstanceOf(IntegrityError);
        await view.transaction(page(12, 12), (session) => write(session, "12"));
        expect(sorted(await read(view))).toEqual(["1", "12", "4-9"]);
        expect(await view.maxTrackingId("upstream")).toBe(12);
      }));

    it("keeps each upstream application's position apart", () =>
      withView(async (view) => {
        await view.transaction(page(1, 5, "a"), (session) => write(session, "a"));
        await view.transaction(page(1, 2, "b"), (session) => write(session, "b"));
        expect(await view.maxTrackingId("a")).toBe(5);
        expect(await view.maxTrackingId("b")).toBe(2);
        expect(sorted(await read(view))).toEqual(["a", "b"]);
      }));

    it("refuses what isn't a page, naming the view, and writes nothing", () =>
      withView(async (view) => {
        const bad: Page[] = [
          page(5, 4),
          page(0, 3),
          page(1.5, 3),
          page(1, Number.NaN),
          page(-1, 1),
          page(1, 2, ""),
        ];
        for (const wrong of bad) {
          await expect(
            view.transaction(wrong, (session) => write(session, "bad")),
            JSON.stringify(wrong),
          ).rejects.toThrow(ProgrammingError);
        }
        await expect(view.transaction(page(5, 4), async () => {})).rejects.toThrow(
          `View '${view.name}' can't process the page`,
        );
        expect(await read(view)).toEqual([]);
        expect(await view.maxTrackingId("upstream")).toBe(0);
      }));

    it("resets: no rows, no tracking records, and pages from the start are taken again", () =>
      withView(async (view) => {
        await view.transaction(page(1, 3, "a"), (session) => write(session, "a"));
        await view.transaction(page(1, 3, "b"), (session) => write(session, "b"));
        await view.reset();
        expect(await read(view)).toEqual([]);
        expect(await view.maxTrackingId("a")).toBe(0);
        expect(await view.maxTrackingId("b")).toBe(0);
        await view.transaction(page(1, 3, "a"), (session) => write(session, "a again"));
        expect(await read(view)).toEqual(["a again"]);
      }));

    it("creates its tables again harmlessly, keeping what is in them", () =>
      withView(async (view) => {
        await view.transaction(page(1, 1), (session) => write(session, "a"));
        await view.createTable();
        await view.createTable();
        expect(await read(view)).toEqual(["a"]);
        expect(await view.maxTrackingId("upstream")).toBe(1);
      }));

    it("lets one of two concurrent transactions with overlapping pages commit, not both", () =>
      withView(async (view) => {
        const outcomes = await Promise.allSettled([
          view.transaction(page(1, 5), (session) => write(session, "1-5")),
          view.transaction(page(3, 8), (session) => write(session, "3-8")),
        ]);
        expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
        const [refused] = outcomes.filter((o) => o.status === "rejected");
        expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(IntegrityError);
        const rows = await read(view);
        expect(rows).toHaveLength(1);
        expect(await view.maxTrackingId("upstream")).toBe(rows[0] === "1-5" ? 5 : 8);
      }));

    it("processes each notification once when runners with different page sizes race", () =>
      withView(async (view) => {
        const last = 30;
        // A runner: resumes after the position, processes a page, and on a refusal (another
        // runner got there first) reads the position again. Any other error fails the test.
        const runner = async (size: number) => {
          for (;;) {
            const first = (await view.maxTrackingId("upstream")) + 1;
            if (first > last) return;
            let ran = false;
            await view
              .transaction(page(first, Math.min(first + size - 1, last)), async (session) => {
                ran = true;
                for (let id = first; id < first + size && id <= last; id++) {
                  await write(session, String(id));
                }
              })
              .catch((error: unknown) => {
                if (!(error instanceof IntegrityError) || ran) throw error;
              });
          }
        };
        await Promise.all([runner(3), runner(5), runner(7)]);
        const ids = (await read(view)).map(Number).sort((a, b) => a - b);
        expect(ids).toEqual(Array.from({ length: last }, (_, i) => i + 1));
        expect(await view.maxTrackingId("upstream")).toBe(last);
      }));
  });

  describe(`${name}: rebuild`, () => {
    /** A view with rows a and b (upstream 1-3), and a rebuild of it. */
    const withRebuild = <T>(body: (view: V, rebuild: ViewRebuild<S, V>) => Promise<T>) =>
      withView(async (view) => {
        await view.transaction(page(1, 3), async (session) => {
          await write(session, "a");
          await write(session, "b");
        });
        return body(view, await rebuildOf(view));
      });

    it("begins empty, with no tracking records, beside the view, which keeps its rows", () =>
      withRebuild(async (view, rebuild) => {
        expect(rebuild.view.name).toBe(view.name);
        expect(await read(rebuild.view)).toEqual([]);
        expect(await rebuild.view.maxTrackingId("upstream")).toBe(0);
        expect(sorted(await read(view))).toEqual(["a", "b"]);
        expect(await view.maxTrackingId("upstream")).toBe(3);
        await rebuild.discard();
      }));

    it("is filled as a view is, apart from the view, which goes on as it was", () =>
      withRebuild(async (view, rebuild) => {
        await rebuild.view.transaction(page(1, 2), (session) => write(session, "new 1-2"));
        await view.transaction(page(4, 5), (session) => write(session, "live 4-5"));
        await expect(
          rebuild.view.transaction(page(2, 2), (session) => write(session, "again")),
        ).rejects.toBeInstanceOf(IntegrityError);
        expect(await read(rebuild.view)).toEqual(["new 1-2"]);
        expect(await rebuild.view.maxTrackingId("upstream")).toBe(2);
        expect(sorted(await read(view))).toEqual(["a", "b", "live 4-5"]);
        expect(await view.maxTrackingId("upstream")).toBe(5);
        await rebuild.discard();
      }));

    it("switches in: the view has exactly the rebuilt rows and the rebuild's tracking", () =>
      withRebuild(async (view, rebuild) => {
        await view.transaction(page(1, 4, "other"), (session) => write(session, "other"));
        await rebuild.view.transaction(page(1, 2), async (session) => {
          await write(session, "new 1");
          await write(session, "new 2");
        });
        await rebuild.switch();
        expect(sorted(await read(view))).toEqual(["new 1", "new 2"]);
        // Not the view's old tracking records: a runner resumes where the rebuild got to.
        expect(await view.maxTrackingId("upstream")).toBe(2);
        expect(await view.hasTrackingId("upstream", 3)).toBe(false);
        expect(await view.maxTrackingId("other")).toBe(0);
        await expect(
          view.transaction(page(2, 2), (session) => write(session, "again")),
        ).rejects.toBeInstanceOf(IntegrityError);
        await view.transaction(page(3, 5), (session) => write(session, "new 3-5"));
        expect(sorted(await read(view))).toEqual(["new 1", "new 2", "new 3-5"]);
      }));

    it("discards: the view is untouched, and the rebuild ends", () =>
      withRebuild(async (view, rebuild) => {
        await rebuild.view.transaction(page(1, 2), (session) => write(session, "new"));
        await rebuild.discard();
        expect(sorted(await read(view))).toEqual(["a", "b"]);
        expect(await view.maxTrackingId("upstream")).toBe(3);
        await expect(rebuild.view.maxTrackingId("upstream")).rejects.toThrow(ProgrammingError);
        await expect(rebuild.switch()).rejects.toThrow(ProgrammingError);
        await rebuild.discard(); // again: nothing to do
        await view.transaction(page(4, 4), (session) => write(session, "live 4"));
        expect(sorted(await read(view))).toEqual(["a", "b", "live 4"]);
      }));

    it("refuses the use of a switched rebuild, naming the view; discarding it does nothing", () =>
      withRebuild(async (view, rebuild) => {
        await rebuild.view.transaction(page(1, 1), (session) => write(session, "new"));
        await rebuild.switch();
        const { view: built } = rebuild;
        const uses: [string, () => Promise<unknown>][] = [
          ["transaction", () => built.transaction(page(2, 2), (s) => write(s, "late"))],
          ["maxTrackingId", () => built.maxTrackingId("upstream")],
          ["hasTrackingId", () => built.hasTrackingId("upstream", 1)],
          [
            "insertTracking",
            () => built.insertTracking({ applicationName: "x", notificationId: 1 }),
          ],
          ["wait", () => built.wait("upstream", 1)],
          ["reset", () => built.reset()],
          ["createTable", () => built.createTable()],
          ["rebuild", () => built.rebuild()],
          ["switch", () => rebuild.switch()],
        ];
        for (const [use, run] of uses) {
          const error = await (async () => run())().catch((e: unknown) => e);
          expect(error, use).toBeInstanceOf(ProgrammingError);
          expect(String(error), use).toContain(
            `The rebuild of view '${view.name}' has been switched in`,
          );
        }
        await rebuild.discard();
        expect(await read(view)).toEqual(["new"]);
        expect(await view.maxTrackingId("upstream")).toBe(1);
      }));

    it("rebuilds again after a switch", () =>
      withRebuild(async (view, first) => {
        await first.view.transaction(page(1, 2), (session) => write(session, "first"));
        await first.switch();
        const second = await rebuildOf(view);
        expect(await read(second.view)).toEqual([]);
        expect(await second.view.maxTrackingId("upstream")).toBe(0);
        await second.view.transaction(page(1, 3), (session) => write(session, "second"));
        expect(await read(view)).toEqual(["first"]);
        await second.switch();
        expect(await read(view)).toEqual(["second"]);
        expect(await view.maxTrackingId("upstream")).toBe(3);
      }));

    it("replaces a rebuild never ended: the new one begins empty, the earlier is refused", () =>
      withRebuild(async (view, earlier) => {
        await earlier.view.transaction(page(1, 2), (session) => write(session, "earlier"));
        const later = await rebuildOf(view);
        expect(await read(later.view)).toEqual([]);
        expect(await later.view.maxTrackingId("upstream")).toBe(0);
        await expect(earlier.view.maxTrackingId("upstream")).rejects.toThrow(
          "replaced by a later rebuild",
        );
        await earlier.discard(); // nothing: what it built is gone, and the later's is kept
        await later.view.transaction(page(1, 1), (session) => write(session, "later"));
        await later.switch();
        expect(await read(view)).toEqual(["later"]);
      }));

    it("refuses to rebuild a rebuild's view: a rebuild is of the view itself", () =>
      withRebuild(async (view, rebuild) => {
        await expect(rebuild.view.rebuild()).rejects.toThrow(
          `The view of a rebuild of view '${view.name}' can't be rebuilt`,
        );
        await rebuild.discard();
      }));
  });
}
