/**
 * Errors raised by the domain model, and the root of every error class of every `@es/*`
 * package: one `catch (e) { if (e instanceof EventSourcingError) … }` tells the library's
 * errors from others.
 *
 * A process may hold two copies of a package (an application bundle beside an adapter
 * installed from npm), so each error class is branded with its name, and `instanceof` also
 * accepts an error of the same name from another copy.
 */

const BRAND = Symbol.for("@es/domain.errorClass");

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Names an error class: its instances' `name`, and the brand other copies of the package
 * recognise. Every error class of the library calls it; so can an adapter's own. The name is
 * given as a string because a minifier renames classes.
 *
 * @example
 * ```ts
 * class QuotaExceeded extends EventSourcingError {}
 * nameErrorClass(QuotaExceeded, "QuotaExceeded");
 * ```
 */
export function nameErrorClass(cls: ErrorClass, name: string): void {
  Object.defineProperty(cls.prototype, BRAND, { value: name });
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

/** `instanceof` for error classes named by `nameErrorClass`, across copies of a package. */
export function hasBrandedInstance(cls: ErrorClass, value: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(cls, value)) return true;
  const wanted: unknown = Reflect.get(cls.prototype, BRAND);
  if (typeof value !== "object" || value === null || wanted === undefined) return false;
  for (let p: object | null = Object.getPrototypeOf(value); p; p = Object.getPrototypeOf(p)) {
    if (Object.hasOwn(p, BRAND) && (p as Record<symbol, unknown>)[BRAND] === wanted) return true;
  }
  return false;
}

/**
 * The message of a thrown value: an `Error`'s message, or the value as a string (a rejection
 * may be anything, even a thrown string or `undefined`).
 *
 * @example
 * ```ts
 * try { JSON.parse("{"); } catch (error) { console.error(`Can't read it: ${messageOf(error)}`); }
 * ```
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Base class of this library's own errors. */
export class EventSourcingError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrandedInstance(this, value);
  }
}
nameErrorClass(EventSourcingError, "EventSourcingError");

/** An event was applied to an aggregate whose version is not the one before the event's. */
export class VersionError extends EventSourcingError {}
nameErrorClass(VersionError, "VersionError");

/** A topic names no registered class, two classes claim one topic, or a name can't be trusted. */
export class TopicError extends EventSourcingError {}
nameErrorClass(TopicError, "TopicError");

/**
 * An event's attributes don't fit the signature that applies it (a decorated method or the
 * aggregate's constructor): an attribute it needs is missing, or it has one the signature
 * doesn't know. Recorded events are never applied with a value made up for a missing attribute.
 */
export class EventAttributesError extends EventSourcingError {
  constructor(
    /** The topic of the event's class. */
    readonly topic: string,
    /** The id of the aggregate whose event it is. */
    readonly originatorId: string,
    /** The event's version in the aggregate's sequence. */
    readonly originatorVersion: number,
    /** Attributes the signature needs that the event lacks. */
    readonly missing: readonly string[],
    /** Attributes of the event that the signature doesn't know. */
    readonly unexpected: readonly string[],
    /** What applies the event, e.g. `addTrick()` or `Dog constructor`. */
    target: string,
  ) {
    const problems = [
      missing.length > 0 ? `missing ${plural("attribute", missing)} ${quoted(missing)}` : "",
      unexpected.length > 0
        ? `unexpected ${plural("attribute", unexpected)} ${quoted(unexpected)}`
        : "",
    ].filter((problem) => problem !== "");
    super(
      `Event '${topic}' of aggregate ${originatorId} at version ${originatorVersion} doesn't fit ` +
        `${target}: ${problems.join("; ")}. Attribute names come from the signature that ` +
        `recorded the event; if another build of the code recorded it (minified, bundled, or ` +
        `with parameters renamed), give the event stable attribute names (one destructured ` +
        `object parameter) and upcast what was stored.`,
    );
  }
}

nameErrorClass(EventAttributesError, "EventAttributesError");

function plural(word: string, items: readonly unknown[]): string {
  return items.length === 1 ? word : `${word}s`;
}

/** `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'` (the Python original's wording). */
export function quoted(names: readonly string[]): string {
  const parts = names.map((name) => `'${name}'`);
  if (parts.length <= 2) return parts.join(" and ");
  return `${parts.slice(0, -1).join(", ")}, and ${parts[parts.length - 1]}`;
}
