/**
 * Verifying a whole store: its notification log walked in id order, every aggregate's chain
 * checked as it goes, and the log's running hash compared with every checkpoint (each checked
 * to be signed by the key) and with a checkpoint kept elsewhere. Needs no cipher key: only the
 * stored bytes are hashed.
 */
import type { KeyObject } from "node:crypto";
import { messageOf } from "@es/domain";
import {
  type Checkpoint,
  type CheckpointStore,
  checkpointSigned,
  exportCheckpoint,
} from "./checkpoints.js";
import {
  DatabaseError,
  type IntegrityViolation,
  InterfaceError,
  OperationalError,
} from "./errors.js";
import { sameBytes } from "./event-hashes.js";
import { type ChainState, type HashChain, isNextLink } from "./hash-chain.js";
import { LOG_START, LogHasher, type LogPosition } from "./log-hash.js";
import type { ApplicationRecorder } from "./recorders.js";
import type { Notification } from "./records.js";

/** How far a verify has got. */
export interface VerifyProgress {
  /** The last notification checked. */
  readonly notificationId: number;
  /** The notifications checked so far. */
  readonly checked: number;
  /** The violations found so far. */
  readonly violations: number;
}

/** What a verify is given. */
export interface VerifyStoreOptions {
  /** The application's hash chains (its name is in every chain). */
  readonly chain: HashChain;
  /** The application's checkpoints, if it keeps any. */
  readonly checkpoints?: CheckpointStore | undefined;
  /** The key that checks the checkpoints' signatures (without it, they are not checked). */
  readonly publicKey?: KeyObject | undefined;
  /** A checkpoint kept elsewhere: the store's must include it, and the log must hash to it. */
  readonly checkpoint?: Checkpoint | undefined;
  /** Called after each page of notifications. */
  readonly onProgress?: ((progress: VerifyProgress) => void) | undefined;
  /** Notifications read at a time (default 1000). */
  readonly pageSize?: number | undefined;
  /** Violations listed at most (default 1000); the count goes on. */
  readonly maxViolations?: number | undefined;
  /**
   * The store's own check of its storage (SQLite's `integrity_check`): what it finds damaged,
   * each reported as `corrupt`.
   */
  readonly checkStorage?: (() => Promise<readonly string[]>) | undefined;
}

/** What a verify found. */
export interface IntegrityReport {
  /** The violations, in log order (at most `maxViolations`); empty when the store is intact. */
  readonly violations: readonly IntegrityViolation[];
  /** How many violations there were in all. */
  readonly violationCount: number;
  /** The notifications checked. */
  readonly checked: number;
  /** The last notification id of the log (0 when it is empty). */
  readonly lastNotificationId: number;
  /** The checkpoints the log was compared with. */
  readonly checkpoints: number;
  /** Whether their signatures were checked (a public key was given). */
  readonly signaturesChecked: boolean;
  /**
   * The notifications after the last checkpoint: checked aggregate by aggregate, but not yet
   * covered by a checkpoint, so a deletion or insertion there can't be seen.
   */
  readonly uncheckpointed: { readonly from: number; readonly to: number } | undefined;
}

/**
 * Walks the application's notification log and reports every violation found: events
 * modified, missing, moved or without hashes among hashed ones, ranges recorded before hashing
 * was on, ranges that don't hash to their checkpoint, checkpoints not signed by the key, and a
 * checkpoint kept elsewhere that the store doesn't have.
 *
 * @example
 * ```ts
 * const report = await verifyStore(recorder, { chain: new HashChain("Worlds"), checkpoints, publicKey });
 * for (const violation of report.violations) console.log(violationPlace(violation), violation.detail);
 * ```
 */
export async function verifyStore(
  recorder: ApplicationRecorder,
  options: VerifyStoreOptions,
): Promise<IntegrityReport> {
  const { chain, publicKey, onProgress } = options;
  const pageSize = options.pageSize ?? 1000;
  const maxViolations = options.maxViolations ?? 1000;
  const applicationName = chain.applicationName;
  // A range's violation (unchained, a checkpoint's) is found at its end, after those within
  // it, so violations are gathered (a bounded number), then put in log order.
  const found: { readonly violation: IntegrityViolation; readonly place: number }[] = [];
  let violationCount = 0;
  let walking = false;
  const report = (violation: IntegrityViolation) => {
    violationCount += 1;
    // What is found before the walk (the storage, the checkpoints' signatures) comes first.
    const place = walking ? (violation.notificationId ?? violation.lastNotificationId ?? 0) : -1;
    if (found.length < Math.max(maxViolations, GATHERED)) found.push({ violation, place });
  };
  const expected = await expectedCheckpoints(options, report);
  let hasher = new LogHasher(applicationName);
  let next = 0;
  /** Compares the log up to the last notification added with the next checkpoint. */
  const closeBlock = (end: number) => {
    const checkpoint = expected[next] as Checkpoint;
    const previous = previousOf(expected, next);
    const position = hasher.position();
    if (end < checkpoint.notificationId) {
      report(
        rangeViolation(checkpoint, previous, "checkpoint-mismatch", [
          `the log ends at notification ${position.notificationId}, before checkpoint ${checkpoint.sequence}'s notification ${checkpoint.notificationId}`,
        ]),
      );
    } else if (
      !sameBytes(position.logHash, checkpoint.logHash) ||
      position.count !== checkpoint.count
    ) {
      report(
        rangeViolation(checkpoint, previous, "checkpoint-mismatch", [
          `the notifications after checkpoint ${checkpoint.sequence - 1} don't hash to checkpoint ${checkpoint.sequence}`,
          position.count === checkpoint.count
            ? "(an event in the range was changed, or one inserted and another deleted)"
            : `(${position.count - previous.count} notifications where it counted ${checkpoint.count - previous.count}: some were ${position.count < checkpoint.count ? "deleted" : "inserted"})`,
        ]),
      );
    }
    // Each range is checked on its own: the next goes on from this checkpoint's signed hash,
    // so that one edit is reported once, in its own range.
    hasher = new LogHasher(applicationName, checkpoint);
    next += 1;
  };

  // Where each aggregate's chain stands, changed in place as the walk goes on (a walk of a
  // large log would otherwise make an object per event).
  const chains = new Map<string, { -readonly [K in keyof ChainState]: ChainState[K] }>();
  let unchained: { from: number; to: number } | undefined;
  const endUnchained = () => {
    if (!unchained) return;
    report({
      kind: "unchained",
      applicationName,
      notificationId: unchained.from,
      lastNotificationId: unchained.to,
      detail: "recorded without hashes (before hashing was on, or their hashes removed)",
    });
    unchained = undefined;
  };

  for (const problem of (await options.checkStorage?.()) ?? []) {
    report({ kind: "corrupt", applicationName, detail: problem });
  }

  let checked = 0;
  let last = 0;
  walking = true;
  // Each page is asked for as soon as the one before has come: the store reads it while
  // this one is checked.
  let reading: Promise<PageRead> | undefined = readPage(recorder, 1, pageSize);
  for (;;) {
    const { page, unreadable, next: after }: PageRead = await reading;
    reading = after === undefined ? undefined : readPage(recorder, after, pageSize);
    // Left unawaited if checking this page fails: its failure is not the walk's.
    reading?.catch(() => {});
    for (const range of unreadable) {
      report({
        kind: "unreadable",
        applicationName,
        notificationId: range.from,
        lastNotificationId: range.to,
        detail: `the notifications from id ${range.from} to ${range.to} can't be read: ${range.error}`,
      });
    }
    for (const notification of page) {
      while (
        next < expected.length &&
        notification.id > (expected[next] as Checkpoint).notificationId
      ) {
        closeBlock(notification.id);
      }
      const { originatorId, originatorVersion } = notification;
      const state = chains.get(originatorId);
      if (state?.hash !== undefined && isNextLink(state.version, state.hash, notification)) {
        // The plain case, checked without the walk's bookkeeping of anything else.
        state.version = originatorVersion;
        state.hash = notification.hash;
      } else {
        // An aggregate's first event follows its genesis; one whose first event in the log
        // is not version 1 is missing its start, so its first link can't be checked.
        const from =
          state ??
          (originatorVersion === 1
            ? { version: 0, hash: chain.genesis(originatorId), chained: false }
            : undefined);
        const result = chain.next(from, notification, notification.id);
        if (result.violation) report(result.violation);
        else if (from === undefined) {
          report({
            kind: "missing",
            applicationName,
            originatorId,
            originatorVersion: 1,
            notificationId: notification.id,
            detail: `the aggregate's first event in the log is version ${originatorVersion}`,
          });
        }
        chains.set(originatorId, { ...result.state });
      }
      if (notification.hash === undefined) {
        if (unchained) unchained.to = notification.id;
        else unchained = { from: notification.id, to: notification.id };
      } else {
        endUnchained();
      }
      hasher.add(notification);
      checked += 1;
      last = notification.id;
      if (
        next < expected.length &&
        notification.id === (expected[next] as Checkpoint).notificationId
      ) {
        closeBlock(notification.id);
      }
    }
    onProgress?.({ notificationId: last, checked, violations: violationCount });
    if (reading === undefined) break;
  }
  endUnchained();
  while (next < expected.length) closeBlock(last);
  // In log order (a stable sort keeps the order found within a place).
  const violations = found
    .sort((a, b) => a.place - b.place)
    .slice(0, maxViolations)
    .map(({ violation }) => violation);

  const lastCheckpointed = expected.at(-1)?.notificationId ?? 0;
  return {
    violations,
    violationCount,
    checked,
    lastNotificationId: last,
    checkpoints: expected.length,
    signaturesChecked: publicKey !== undefined,
    uncheckpointed: last > lastCheckpointed ? { from: lastCheckpointed + 1, to: last } : undefined,
  };
}

/**
 * The checkpoints the log is to hash to, in order: the store's, each checked to be signed,
 * with the one kept elsewhere compared with the store's of its sequence.
 */
async function expectedCheckpoints(
  options: VerifyStoreOptions,
  report: (violation: IntegrityViolation) => void,
): Promise<Checkpoint[]> {
  const { checkpoints, publicKey, checkpoint: kept, chain } = options;
  const applicationName = chain.applicationName;
  const stored = (await checkpoints?.all()) ?? [];
  const expected: Checkpoint[] = [];
  let sequence = 0;
  for (const record of stored) {
    sequence += 1;
    if (record.sequence !== sequence) {
      report({
        kind: "checkpoint-missing",
        applicationName,
        detail: `checkpoint ${sequence} is missing from the store (the next is ${record.sequence})`,
      });
      sequence = record.sequence;
    }
    if ("problem" in record) {
      report({
        kind: "bad-signature",
        applicationName,
        detail: `checkpoint ${record.sequence} can't be read: ${record.problem}`,
      });
      continue;
    }
    const { checkpoint } = record;
    if (checkpoint.applicationName !== applicationName) {
      report(
        rangeViolation(checkpoint, undefined, "bad-signature", [
          `checkpoint ${checkpoint.sequence} is of application ${checkpoint.applicationName}`,
        ]),
      );
      continue;
    }
    if (publicKey && !checkpointSigned(checkpoint, publicKey)) {
      report(
        rangeViolation(checkpoint, undefined, "bad-signature", [
          `checkpoint ${checkpoint.sequence} is not signed by the key`,
        ]),
      );
      continue;
    }
    const before = expected.at(-1);
    if (before && checkpoint.notificationId <= before.notificationId) {
      report(
        rangeViolation(checkpoint, undefined, "checkpoint-mismatch", [
          `checkpoint ${checkpoint.sequence} is at notification ${checkpoint.notificationId}, not after checkpoint ${before.sequence}'s`,
        ]),
      );
      continue;
    }
    expected.push(checkpoint);
  }
  if (kept) {
    if (publicKey && !checkpointSigned(kept, publicKey)) {
      report(
        rangeViolation(kept, undefined, "bad-signature", [
          `the checkpoint kept elsewhere (${kept.sequence}) is not signed by the key`,
        ]),
      );
    } else {
      const match = expected.find((checkpoint) => checkpoint.sequence === kept.sequence);
      const same =
        match && JSON.stringify(exportCheckpoint(match)) === JSON.stringify(exportCheckpoint(kept));
      if (!same) {
        report(
          rangeViolation(kept, undefined, "checkpoint-missing", [
            match
              ? `the store's checkpoint ${kept.sequence} is not the one kept elsewhere`
              : `the store has no checkpoint ${kept.sequence}, which was kept elsewhere`,
          ]),
        );
        // The one kept elsewhere is what the log must hash to, in place of the store's.
        const others = expected.filter((checkpoint) => checkpoint !== match);
        const at = others.findIndex(
          (checkpoint) => checkpoint.notificationId > kept.notificationId,
        );
        others.splice(at === -1 ? others.length : at, 0, kept);
        expected.splice(0, expected.length, ...others);
      }
    }
  }
  return expected;
}

function previousOf(expected: readonly Checkpoint[], index: number): LogPosition {
  return expected[index - 1] ?? LOG_START;
}

function rangeViolation(
  checkpoint: Checkpoint,
  from: LogPosition | undefined,
  kind: IntegrityViolation["kind"],
  detail: readonly string[],
): IntegrityViolation {
  return {
    kind,
    applicationName: checkpoint.applicationName,
    notificationId: from ? from.notificationId + 1 : checkpoint.notificationId,
    lastNotificationId: checkpoint.notificationId,
    detail: detail.join(" "),
  };
}

/** A page read: its notifications, the ranges of ids that couldn't be, and the next page's start. */
interface PageRead {
  readonly page: Notification[];
  readonly unreadable: readonly UnreadableRange[];
  readonly next: number | undefined;
}

/** A range of ids that couldn't be read, and what the store said. */
interface UnreadableRange {
  readonly from: number;
  readonly to: number;
  readonly error: string;
}

/**
 * A page of notifications from `start`, and where the next page starts (none at the end). A
 * page the store can't read (a damaged file) is read one notification at a time instead, for
 * as many ids as the page would have held: what can be read is checked, and the ids that
 * can't are reported, as ranges.
 */
async function readPage(
  recorder: ApplicationRecorder,
  start: number,
  pageSize: number,
): Promise<PageRead> {
  try {
    const page = await recorder.selectNotifications(start, pageSize);
    const last = page.at(-1);
    return {
      page,
      unreadable: [],
      next: page.length < pageSize || !last ? undefined : last.id + 1,
    };
  } catch (error) {
    if (!damaged(error)) throw error;
  }
  const page: Notification[] = [];
  const unreadable: UnreadableRange[] = [];
  let id = start;
  for (let tried = 0; tried < pageSize; tried++) {
    try {
      const [notification] = await recorder.selectNotifications(id, 1);
      if (!notification) return { page, unreadable, next: undefined };
      page.push(notification);
      id = notification.id + 1;
    } catch (error) {
      if (!damaged(error)) throw error;
      const before = unreadable.at(-1);
      if (before?.to === id - 1) unreadable[unreadable.length - 1] = { ...before, to: id };
      else unreadable.push({ from: id, to: id, error: messageOf(error) });
      id += 1;
    }
  }
  return { page, unreadable, next: id };
}

/**
 * Whether a read failed on what is stored, rather than on reaching the store (a connection
 * lost, a closed pool: those are the caller's to retry).
 */
function damaged(error: unknown): boolean {
  return (
    error instanceof DatabaseError &&
    !(error instanceof OperationalError) &&
    !(error instanceof InterfaceError)
  );
}

/** Violations gathered at most, to be put in order (the count goes on past it). */
const GATHERED = 100_000;
