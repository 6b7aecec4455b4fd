/**
 * The view conformance kit: one vitest suite that every view runs against itself (in memory,
 * SQLite, PostgreSQL, third-party), pinning what exactly-once processing rests on — a page's
 * rows and its tracking record commit together or not at all, and a page any of whose
 * notifications is tracked is refused, whichever runner sent it.
 */
import { describe, expect, it } from "vitest";
import { IntegrityError, ProgrammingError } from "../errors.js";
import type { Page, View } from "../view.js";
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

/**
 * View promises: transactions that commit a page's rows with its tracking record or nothing,
 * refuse pages already processed (also when runners race), reset, and create tables again
 * harmlessly. A view is a tracking recorder, so it keeps those promises too.
 *
 * @param create - makes a new, empty view, its tables created.
 */
export function describeView<S, V extends View<S>>(
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
}
