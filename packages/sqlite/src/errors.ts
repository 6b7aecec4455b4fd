/**
 * Translates better-sqlite3 errors into the persistence error hierarchy (PEP 249 names), so
 * that no driver error leaks out of a recorder. Errors that are not the driver's pass through.
 */
import {
  DatabaseError,
  DataError,
  IntegrityError,
  InterfaceError,
  InternalError,
  OperationalError,
  type PersistenceError,
  ProgrammingError,
} from "@es/persistence-core";

type ErrorClass = new (message: string, options?: ErrorOptions) => PersistenceError;

/** The class for an SQLite result code (primary code before the first `_` of extended codes). */
const BY_PRIMARY_CODE: Readonly<Record<string, ErrorClass>> = {
  SQLITE_CONSTRAINT: IntegrityError,
  SQLITE_BUSY: OperationalError,
  SQLITE_LOCKED: OperationalError,
  SQLITE_IOERR: OperationalError,
  SQLITE_FULL: OperationalError,
  SQLITE_CANTOPEN: OperationalError,
  SQLITE_READONLY: OperationalError,
  SQLITE_PROTOCOL: OperationalError,
  SQLITE_NOMEM: OperationalError,
  SQLITE_INTERRUPT: OperationalError,
  SQLITE_ABORT: OperationalError,
  SQLITE_PERM: OperationalError,
  SQLITE_AUTH: OperationalError,
  SQLITE_NOLFS: OperationalError,
  SQLITE_MISMATCH: DataError,
  SQLITE_TOOBIG: DataError,
  SQLITE_RANGE: ProgrammingError,
  SQLITE_ERROR: ProgrammingError,
  SQLITE_SCHEMA: ProgrammingError,
  SQLITE_MISUSE: InterfaceError,
  SQLITE_INTERNAL: InternalError,
  SQLITE_CORRUPT: DatabaseError,
  SQLITE_NOTADB: DatabaseError,
  SQLITE_FORMAT: DatabaseError,
};

interface SqliteErrorLike extends Error {
  readonly code: string;
}

function isSqliteError(error: unknown): error is SqliteErrorLike {
  return (
    error instanceof Error &&
    error.name === "SqliteError" &&
    typeof (error as { code?: unknown }).code === "string"
  );
}

/** The persistence error for a thrown value, or the value itself if it isn't the driver's. */
export function translateError(error: unknown): unknown {
  if (isSqliteError(error)) {
    const primary = error.code.replace(/^(SQLITE_[A-Z]+?)(_[A-Z_]+)?$/, "$1");
    const ErrorClass = BY_PRIMARY_CODE[error.code] ?? BY_PRIMARY_CODE[primary] ?? DatabaseError;
    return new ErrorClass(`${error.message} (${error.code})`, { cause: error });
  }
  if (error instanceof TypeError && /database connection is not open/i.test(error.message)) {
    return new InterfaceError(error.message, { cause: error });
  }
  return error;
}

/** Runs `fn`, translating driver errors. */
export function translating<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw translateError(error);
  }
}
