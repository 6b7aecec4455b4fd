/** Errors raised by the domain model. */

/** Base class of this library's own errors. */
export class EventSourcingError extends Error {
  override name = "EventSourcingError";
}

/** An event was applied to an aggregate whose version is not the one before the event's. */
export class VersionError extends EventSourcingError {
  override name = "VersionError";
}

/** A topic names no registered class, two classes claim one topic, or a name can't be trusted. */
export class TopicError extends EventSourcingError {
  override name = "TopicError";
}

/**
 * An event's attributes don't fit the signature that applies it (a decorated method or the
 * aggregate's constructor): an attribute it needs is missing, or it has one the signature
 * doesn't know. Recorded events are never applied with a value made up for a missing attribute.
 */
export class EventAttributesError extends EventSourcingError {
  override name = "EventAttributesError";

  constructor(
    /** The topic of the event's class. */
    readonly topic: string,
    readonly originatorId: string,
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

function plural(word: string, items: readonly unknown[]): string {
  return items.length === 1 ? word : `${word}s`;
}

/** `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'` (the Python original's wording). */
export function quoted(names: readonly string[]): string {
  const parts = names.map((name) => `'${name}'`);
  if (parts.length <= 2) return parts.join(" and ");
  return `${parts.slice(0, -1).join(", ")}, and ${parts[parts.length - 1]}`;
}
