/**
 * Persistence errors, named after the Python DB-API (PEP 249) exceptions as in the original.
 * Adapters translate their driver's errors into these; driver errors never leak raw.
 */

/** Base class of persistence errors. */
export class PersistenceError extends Error {
  override name = "PersistenceError";
}

/** A problem with the database interface rather than the database (e.g. a closed connection). */
export class InterfaceError extends PersistenceError {
  override name = "InterfaceError";
}

/** An error reported by the database. */
export class DatabaseError extends PersistenceError {
  override name = "DatabaseError";
}

/** Bad data (a value out of range, data that can't be decoded). */
export class DataError extends DatabaseError {
  override name = "DataError";
}

/** A problem in the database's operation (lock timeout, disk full, lost connection). */
export class OperationalError extends DatabaseError {
  override name = "OperationalError";
}

/**
 * A recorded item conflicts with one already recorded (kept from earlier versions; the seed's
 * examples catch it). `IntegrityError` is one.
 */
export class RecordConflictError extends DatabaseError {
  override name = "RecordConflictError";
}

/** The relational integrity of the database would be broken, e.g. a duplicate event version. */
export class IntegrityError extends RecordConflictError {
  override name = "IntegrityError";
}

/** The database's internal state is broken. */
export class InternalError extends DatabaseError {
  override name = "InternalError";
}

/** A programming error: a missing table, bad SQL, wrong number of parameters. */
export class ProgrammingError extends DatabaseError {
  override name = "ProgrammingError";
}

/** A method or API the database does not support. */
export class NotSupportedError extends DatabaseError {
  override name = "NotSupportedError";
}

/** Configuration (environment variables, factory topics) is missing or invalid. */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}
