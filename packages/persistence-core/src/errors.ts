/**
 * Persistence errors, named after the Python DB-API (PEP 249) exceptions as in the original.
 * Adapters translate their driver's errors into these; driver errors never leak raw.
 *
 * A process may hold two copies of this package (an application bundle beside an adapter
 * installed from npm), so each error class is branded with its name and `instanceof` also
 * accepts an error of the same name from another copy: `catch (e) { e instanceof
 * IntegrityError }` works whichever copy threw it.
 */

const BRAND = Symbol.for("@es/persistence-core.errorClass");

/** Names an error class: its instances' `name`, and the brand other copies recognise. */
export function nameErrorClass(cls: abstract new (...args: never[]) => Error, name: string): void {
  Object.defineProperty(cls.prototype, BRAND, { value: name });
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

/** `instanceof` for error classes branded by `nameErrorClass`, across copies of this package. */
function hasBrandedInstance(
  cls: abstract new (...args: never[]) => Error,
  value: unknown,
): boolean {
  if (Function.prototype[Symbol.hasInstance].call(cls, value)) return true;
  const wanted: unknown = (cls.prototype as unknown as Record<symbol, unknown>)[BRAND];
  if (typeof value !== "object" || value === null || wanted === undefined) return false;
  for (let p: object | null = Object.getPrototypeOf(value); p; p = Object.getPrototypeOf(p)) {
    if (Object.hasOwn(p, BRAND) && (p as Record<symbol, unknown>)[BRAND] === wanted) return true;
  }
  return false;
}

/** Base class of persistence errors. */
export class PersistenceError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrandedInstance(this, value);
  }
}
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

/** Configuration (environment variables, factory topics) is missing or invalid. */
export class ConfigurationError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrandedInstance(this, value);
  }
}
nameErrorClass(ConfigurationError, "ConfigurationError");
