/** Errors raised by the domain model. */

/** Base class of this library's own errors. */
export class EventSourcingError extends Error {
  override name = "EventSourcingError";
}

/** An event was applied to an aggregate whose version is not the one before the event's. */
export class VersionError extends EventSourcingError {
  override name = "VersionError";
}

/** A topic names no registered class, or two classes claim one topic. */
export class TopicError extends EventSourcingError {
  override name = "TopicError";
}
