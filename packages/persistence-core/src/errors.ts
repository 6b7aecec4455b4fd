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
