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
 * How a stored event fails an integrity check: its hash doesn't match its contents and its
 * predecessor's (`modified`), a version before it is missing (`missing`), it has no hash
 * after events that have (`unchained`), or its hash is not a hash (`malformed`).
 */
export type IntegrityViolationKind = "modified" | "missing" | "unchained" | "malformed";

/** A stored event that fails an integrity check, and how. */
export interface IntegrityViolation {
  /** How it fails. */
  readonly kind: IntegrityViolationKind;
  /** The application whose event it is. */
  readonly applicationName: string;
  /** The event's originator id. */
  readonly originatorId: string;
  /** The event's version (for `missing`: the first version missing). */
  readonly originatorVersion: number;
  /** Its notification id, where it was read from the notification log. */
  readonly notificationId?: number | undefined;
  /** What was found, in words. */
  readonly detail: string;
}

/** Stored events fail an integrity check: a record was changed, removed or inserted. */
export class IntegrityViolationError extends DataError {
  /** The application whose event it is. */
  readonly applicationName: string;
  /** The event's originator id. */
  readonly originatorId: string;
  /** The event's version. */
  readonly originatorVersion: number;
  /** Its notification id, where known. */
  readonly notificationId: number | undefined;
  /** How it fails. */
  readonly kind: IntegrityViolationKind;

  constructor(
    /** The violation found (the first, where there are several). */
    readonly violation: IntegrityViolation,
  ) {
    const { kind, applicationName, originatorId, originatorVersion, notificationId } = violation;
    super(
      `Stored event ${originatorId} version ${originatorVersion} of application ${applicationName}${
        notificationId === undefined ? "" : `, notification ${notificationId}`
      }, fails its integrity check (${kind}): ${violation.detail}`,
    );
    this.applicationName = applicationName;
    this.originatorId = originatorId;
    this.originatorVersion = originatorVersion;
    this.notificationId = notificationId;
    this.kind = kind;
  }
}
nameErrorClass(IntegrityViolationError, "IntegrityViolationError");
