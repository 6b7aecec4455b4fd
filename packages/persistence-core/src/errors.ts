/**
 * Persistence errors, named after the Python DB-API (PEP 249) exceptions as in the original.
 * Adapters translate their driver's errors into these; driver errors never leak raw.
 *
 * All of them extend `EventSourcingError`, the root of the library's errors, and, as it does,
 * `instanceof` recognises an error of the same name thrown by another copy of the package:
 * `catch (e) { e instanceof IntegrityError }` works whichever copy threw it.
 */
import { EventSourcingError, nameErrorClass } from "@es/domain";

/** Base class of persistence errors. */
export class PersistenceError extends EventSourcingError {}
nameErrorClass(PersistenceError, "PersistenceError");

/** A problem with the database interface rather than the database (e.g. a closed connection). */
export class InterfaceError extends PersistenceError {}
nameErrorClass(InterfaceError, "InterfaceError");

/** An error reported by the database. */
export class DatabaseError extends PersistenceError {}
nameErrorClass(DatabaseError, "DatabaseError");

/** Bad data (a value out of range, data that can't be decoded). */
export class DataError extends DatabaseError {}
nameErrorClass(DataError, "DataError");

/** A problem in the database's operation (lock timeout, disk full, lost connection). */
export class OperationalError extends DatabaseError {}
nameErrorClass(OperationalError, "OperationalError");

/**
 * A recorded item conflicts with one already recorded (kept from earlier versions of the
 * Python original, whose examples catch it). `IntegrityError` is one.
 */
export class RecordConflictError extends DatabaseError {}
nameErrorClass(RecordConflictError, "RecordConflictError");

/** The relational integrity of the database would be broken, e.g. a duplicate event version. */
export class IntegrityError extends RecordConflictError {}
nameErrorClass(IntegrityError, "IntegrityError");

/** The database's internal state is broken. */
export class InternalError extends DatabaseError {}
nameErrorClass(InternalError, "InternalError");

/** A programming error: a missing table, bad SQL, wrong number of parameters. */
export class ProgrammingError extends DatabaseError {}
nameErrorClass(ProgrammingError, "ProgrammingError");

/** A method or API the database does not support. */
export class NotSupportedError extends DatabaseError {}
nameErrorClass(NotSupportedError, "NotSupportedError");

/** A wait for an upstream notification to be tracked (processed) took longer than its timeout. */
export class TrackingTimeoutError extends OperationalError {
  constructor(
    /** The upstream application. */
    readonly applicationName: string,
    /** The notification waited for. */
    readonly notificationId: number,
    timeoutMs: number,
  ) {
    super(
      `Timed out after ${timeoutMs} ms waiting for notification ${notificationId} of application '${applicationName}' to be processed`,
    );
  }
}
nameErrorClass(TrackingTimeoutError, "TrackingTimeoutError");

/** Configuration (environment variables, factory topics) is missing or invalid. */
export class ConfigurationError extends EventSourcingError {}
nameErrorClass(ConfigurationError, "ConfigurationError");

/**
 * How stored events fail an integrity check. Of one event: its hash doesn't match its contents
 * and its predecessor's (`modified`), a version before it is missing (`missing`), it comes
 * before an earlier version in the log (`moved`), it has no hash after events that have
 * (`unchained`; for a range of the log, events recorded before hashing was on), or its hash is
 * not a hash (`malformed`). Of the log: a range doesn't hash to its checkpoint
 * (`checkpoint-mismatch`: an event in it was inserted, deleted, changed or moved), a checkpoint
 * isn't signed by the key (`bad-signature`), or a checkpoint kept elsewhere is not in the store
 * (`checkpoint-missing`). Of the storage: notifications that can't be read (`unreadable`), or
 * the store's own check of its files finds them damaged (`corrupt`).
 */
export type IntegrityViolationKind =
  | "modified"
  | "missing"
  | "moved"
  | "unchained"
  | "malformed"
  | "checkpoint-mismatch"
  | "bad-signature"
  | "checkpoint-missing"
  | "unreadable"
  | "corrupt";

/** What an integrity check found wrong, and where. */
export interface IntegrityViolation {
  /** How it fails. */
  readonly kind: IntegrityViolationKind;
  /** The application whose store it is. */
  readonly applicationName: string;
  /** The event's originator id, for a violation of one event. */
  readonly originatorId?: string | undefined;
  /** The event's version (for `missing`: the first version missing). */
  readonly originatorVersion?: number | undefined;
  /** The notification id of the event, or the first of the range, where known. */
  readonly notificationId?: number | undefined;
  /** The last notification id of the range, for a violation of a range of the log. */
  readonly lastNotificationId?: number | undefined;
  /** What was found, in words. */
  readonly detail: string;
}

/** Where an integrity violation is, in words: the event, or the range of the log. */
export function violationPlace(violation: IntegrityViolation): string {
  const { originatorId, originatorVersion, notificationId, lastNotificationId } = violation;
  const event =
    originatorId === undefined
      ? undefined
      : `stored event ${originatorId} version ${originatorVersion}`;
  const notifications =
    notificationId === undefined
      ? undefined
      : lastNotificationId === undefined || lastNotificationId === notificationId
        ? `notification ${notificationId}`
        : `notifications ${notificationId} to ${lastNotificationId}`;
  const where = [event, notifications].filter((part) => part !== undefined).join(", ");
  return `${where || "the log"} of application ${violation.applicationName}`;
}

/** Stored events fail an integrity check: a record was changed, removed or inserted. */
export class IntegrityViolationError extends DataError {
  /** The application whose store it is. */
  readonly applicationName: string;
  /** The event's originator id, where the violation is of one event. */
  readonly originatorId: string | undefined;
  /** The event's version. */
  readonly originatorVersion: number | undefined;
  /** Its notification id, where known. */
  readonly notificationId: number | undefined;
  /** How it fails. */
  readonly kind: IntegrityViolationKind;

  constructor(
    /** The violation found (the first, where there are several). */
    readonly violation: IntegrityViolation,
  ) {
    super(
      `${capitalised(violationPlace(violation))} fails its integrity check (${violation.kind}): ${violation.detail}`,
    );
    this.applicationName = violation.applicationName;
    this.originatorId = violation.originatorId;
    this.originatorVersion = violation.originatorVersion;
    this.notificationId = violation.notificationId;
    this.kind = violation.kind;
  }
}
nameErrorClass(IntegrityViolationError, "IntegrityViolationError");

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
