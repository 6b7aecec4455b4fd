/**
 * Pages: the notifications of an upstream application that one transaction processes, from a
 * first id to a last. A view's transaction and a process recorder's insert both record one
 * tracking record for a page (its last id), and both refuse a page if any notification at or
 * after its first is tracked already: that refusal is what keeps processing exactly once when
 * two runners of one follower or projection race with pages of different boundaries.
 */
import { IntegrityError, ProgrammingError } from "./errors.js";
import type { InsertEventsOptions } from "./recorders.js";
import { type Tracking, tracking as trackingRecord } from "./records.js";

/**
 * The notifications of an upstream application that one transaction processes, from `first`
 * to `last` (ids may have gaps between them). The transaction records `last` as its tracking
 * record.
 */
export interface Page {
  /** The upstream application whose notifications these are. */
  readonly applicationName: string;
  /** The id of the page's first notification. */
  readonly first: number;
  /** The id of the page's last notification: the tracking record the transaction records. */
  readonly last: number;
}

/** How a page is named in errors: `notifications 4-9 of 'Worlds'`. */
const described = ({ applicationName, first, last }: Page): string =>
  `notifications ${first}-${last} of '${applicationName}'`;

/**
 * What is wrong with `page`, if anything: an application name that isn't a non-empty string,
 * ids that aren't positive safe integers, `last` below `first`.
 */
export function pageProblem(page: Page): string | undefined {
  const { applicationName, first, last } = page;
  return typeof applicationName !== "string" || applicationName === ""
    ? "its application name is not a non-empty string"
    : !isId(first)
      ? "its first id is not a positive integer"
      : !isId(last)
        ? "its last id is not a positive integer"
        : last < first
          ? "its last id is below its first"
          : undefined;
}

/**
 * Refuses what isn't a page, naming `subject` (what would have processed it: `View 'counts'`,
 * `The process recorder of 'counters_tracking'`).
 *
 * @throws ProgrammingError naming the subject, the page, and what is wrong with it.
 */
export function checkPageOf(subject: string, page: Page): void {
  const wrong = pageProblem(page);
  if (wrong !== undefined) {
    throw new ProgrammingError(`${subject} can't process the page ${showPage(page)}: ${wrong}`);
  }
}

/** A page as given, for an error: `{ applicationName: "Worlds", first: 9, last: 4 }`. */
const showPage = ({ applicationName, first, last }: Page): string =>
  `{ applicationName: ${JSON.stringify(applicationName)}, first: ${String(first)}, last: ${String(last)} }`;

const isId = (id: unknown): id is number =>
  typeof id === "number" && Number.isSafeInteger(id) && id >= 1;

/**
 * The error of a page refused by `subject` because it has tracked the upstream application's
 * notifications up to `tracked`, at or after the page's first: another runner has processed
 * them (or this one did, and is going round again).
 */
export function pageRefusedBy(subject: string, page: Page, tracked: number): IntegrityError {
  return new IntegrityError(
    `${subject} refuses ${described(page)}: it has processed '${page.applicationName}' up to notification ${tracked}`,
  );
}

/**
 * The tracking record a process recorder's insert records: the one given (`tracking`), or the
 * last of the page given (`page`), checked; none when neither is given. What every process
 * recorder's `insertEvents` works out first, before it writes anything.
 *
 * @throws ProgrammingError naming `subject` if both are given, or the page isn't one.
 */
export function insertedTracking(
  subject: string,
  { tracking, page }: InsertEventsOptions,
): Tracking | undefined {
  if (page === undefined) return tracking;
  if (tracking !== undefined) {
    throw new ProgrammingError(`${subject} can't record a tracking record and a page at once`);
  }
  checkPageOf(subject, page);
  return trackingRecord(page.applicationName, page.last);
}

/**
 * Refuses what only a process recorder records — a tracking record or a page — given to an
 * insert of a recorder that doesn't (an aggregate or application recorder), rather than drop it.
 *
 * @throws ProgrammingError naming the recorder's class.
 */
export function refuseTracking(recorder: object, { tracking, page }: InsertEventsOptions): void {
  if (tracking !== undefined || page !== undefined) {
    throw new ProgrammingError(
      `${recorder.constructor.name} can't record tracking; use a process recorder`,
    );
  }
}
