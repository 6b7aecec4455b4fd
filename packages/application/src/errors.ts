/** Errors raised by applications. */
import { EventSourcingError, nameErrorClass } from "@es/domain";

/** The repository has no events (and no snapshot) for the requested aggregate id. */
export class AggregateNotFoundError extends EventSourcingError {
  constructor(
    /** The id asked for. */
    readonly aggregateId: string,
  ) {
    super(`Aggregate ${aggregateId} not found`);
  }
}
nameErrorClass(AggregateNotFoundError, "AggregateNotFoundError");

/** The Python original's name for `AggregateNotFoundError`. */
export const AggregateNotFound = AggregateNotFoundError;

/** `takeSnapshot` was called on an application that has no snapshot store. */
export class SnapshottingDisabledError extends EventSourcingError {}
nameErrorClass(SnapshottingDisabledError, "SnapshottingDisabledError");

/** The application's infrastructure was used before it was ready, or after it was closed. */
export class ApplicationStateError extends EventSourcingError {}
nameErrorClass(ApplicationStateError, "ApplicationStateError");
