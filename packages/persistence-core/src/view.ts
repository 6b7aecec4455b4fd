/**
 * Views: where a projection keeps what it makes of an application's notifications (rows, not
 * events), with the tracking records of the notifications it has processed. A projection
 * processes a page of notifications in one transaction of its view, which commits the page's
 * rows and one tracking record (the page's last id) together, or nothing — so each notification
 * is processed exactly once, however often the projection stops and starts, and however many
 * runners run it. The page checks here are what every view does before it writes.
 *
 * A view is rebuilt beside itself: a rebuild is an empty view of the same definition, which a
 * projection fills while readers and the live projection go on with the view; then it is
 * switched in, in one transaction, so that readers see the whole old view or the whole new one.
 */
import type { IntegrityError } from "./errors.js";
import { checkPageOf, type Page, pageRefusedBy } from "./page.js";
import type { TrackingRecorder } from "./recorders.js";

export type { Page } from "./page.js";

/**
 * A projection's store: its own tables (or state), written by the projection in transactions
 * that also record how far it has processed each upstream application. A view is a tracking
 * recorder too: `maxTrackingId` is where its projection resumes, and `wait` how a command waits
 * until the view shows what it saved.
 *
 * `S` is what a transaction's body writes with: on SQLite and PostgreSQL a `Kysely<DB>` bound to
 * the transaction's connection (`@es/sqlite/view`, `@es/postgres/view`), in memory a copy of the
 * view's state (`InMemoryView`).
 *
 * @example
 * ```ts
 * await view.transaction({ applicationName: "Worlds", first: 1, last: 3 }, async (session) => {
 *   // write the rows that notifications 1 to 3 make
 * });
 * await view.maxTrackingId("Worlds"); // 3
 * ```
 */
export interface View<S> extends TrackingRecorder {
  /** The view's name: its tracking table, and what its errors name. */
  readonly name: string;
  /** Creates the view's tables (its own and its tracking table) if they don't exist. */
  createTable(): Promise<void>;
  /** Empties the view: its rows (or state) and its tracking records, at once. */
  reset(): Promise<void>;
  /**
   * Processes a page in one transaction: checks that none of the page's notifications is
   * tracked (the view's largest tracked id of `page.applicationName` is below `page.first`),
   * runs `body` with the transaction's session, and records the tracking record
   * (`applicationName`, `last`) with what `body` wrote. All of it commits, or none of it.
   *
   * Two runners of one projection may race with pages of different boundaries: whichever
   * commits first wins, and the other's page is refused, so no notification is processed twice.
   *
   * @returns what `body` returns.
   * @throws IntegrityError naming the view, the upstream application and the page, if a
   *   notification at or after `page.first` is tracked: nothing is written, `body` isn't run.
   * @throws ProgrammingError naming the page if it isn't one (ids that aren't positive
   *   integers, `last` below `first`).
   * @throws whatever `body` throws, unchanged: nothing is written.
   */
  transaction<T>(page: Page, body: (session: S) => Promise<T>): Promise<T>;
  /**
   * Begins a rebuild: creates the rebuild's tables (or state) beside the view's, empty, with no
   * tracking records, dropping any that an earlier rebuild left (one never switched in nor
   * discarded, by this process or another: its view, if this view made it, is refused from
   * now on). The view itself is untouched: its readers and its projection go on with it.
   *
   * @throws ProgrammingError if this view is a rebuild's: a rebuild is of the live view.
   */
  rebuild(): Promise<ViewRebuild<S>>;
}

/**
 * A rebuild of a view: an empty view beside it, of the same definition, which a projection
 * fills, then switches in — in one transaction, so that readers of the view see either its old
 * rows or the rebuilt ones, never a half-built view.
 *
 * @typeParam V - the view being built: of the live view's kind (a `SqliteView`'s rebuild is
 *   built in a `SqliteView`, whose tables are beside the live ones).
 * @example
 * ```ts
 * const rebuild = await view.rebuild();
 * await catchUp(rebuild.view, app); // the new projection, from the first notification
 * await rebuild.switch(); // readers of `view` see the rebuilt rows from now on
 * ```
 */
export interface ViewRebuild<S, V extends View<S> = View<S>> {
  /**
   * The view being built: empty tables beside the live ones, and no tracking records at first.
   * A runner processes pages into it exactly as into a view. Once the rebuild is switched in,
   * discarded or replaced by a later one, its every method throws a `ProgrammingError`.
   */
  readonly view: V;
  /**
   * In one transaction, which waits for the live view's pages under way and makes the next ones
   * wait: the live view's tables and tracking records become the rebuilt ones (the old are
   * dropped). Readers of the live view see its old rows until the switch commits, and the
   * rebuilt ones after; a runner of the live view resumes from where the rebuild got to (a page
   * of the live view that commits first is dropped with the old tables). If it fails, nothing
   * has changed, and the rebuild may be switched in again, or discarded.
   *
   * @throws ProgrammingError if the rebuild has ended (switched in, discarded, replaced).
   * @throws the store's error naming a table of the live view that is missing (dropped by
   *   hand): nothing is switched; create the view's tables again and switch.
   */
  switch(): Promise<void>;
  /**
   * Drops what the rebuild built, and ends it: the live view is untouched. After the rebuild
   * has ended (switched in, discarded, replaced by a later one), it does nothing.
   */
  discard(): Promise<void>;
}

/**
 * Refuses what isn't a page: an application name that isn't a non-empty string, ids that aren't
 * positive safe integers, `last` below `first`. What every view's `transaction` checks first.
 *
 * @throws ProgrammingError naming the view and what is wrong with the page.
 */
export function checkPage(viewName: string, page: Page): void {
  checkPageOf(`View '${viewName}'`, page);
}

/**
 * The error of a page refused because the view has tracked its upstream application's
 * notifications up to `tracked`, at or after the page's first: another runner has processed
 * them (or this one did, and is going round again).
 */
export function pageRefused(viewName: string, page: Page, tracked: number): IntegrityError {
  return pageRefusedBy(`View '${viewName}'`, page, tracked);
}
