/** Errors raised by systems, followers and runners. */
import { EventSourcingError, messageOf, nameErrorClass } from "@es/domain";

/** The root of the system layer's errors. */
export class SystemError extends EventSourcingError {}
nameErrorClass(SystemError, "SystemError");

/** A system's definition is wrong: a class in the wrong place, a name given twice, a cycle. */
export class SystemDefinitionError extends SystemError {}
nameErrorClass(SystemDefinitionError, "SystemDefinitionError");

/** `start()` was called on a runner that is already started. */
export class RunnerAlreadyStarted extends SystemError {
  constructor(message = "The runner is already started") {
    super(message);
  }
}
nameErrorClass(RunnerAlreadyStarted, "RunnerAlreadyStarted");

/** A follower failed to process a notification (its `cause` says why); it stopped. */
export class EventProcessingError extends SystemError {}
nameErrorClass(EventProcessingError, "EventProcessingError");

/** The error to report when the follower `name` failed to process notifications. */
export const processingFailed = (name: string, error: unknown): EventProcessingError =>
  error instanceof EventProcessingError
    ? error
    : new EventProcessingError(`${name} failed to process notifications: ${messageOf(error)}`, {
        cause: error,
      });

/**
 * A projection failed to process an event (its `cause` says why): the page it was in was rolled
 * back — no rows, no tracking — and the runner stopped. Started again, it resumes at that page.
 */
export class ProjectionError extends SystemError {
  constructor(
    /** The projection's name. */
    readonly projectionName: string,
    /** The notification it failed at (0 when it failed between notifications). */
    readonly notificationId: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
nameErrorClass(ProjectionError, "ProjectionError");
