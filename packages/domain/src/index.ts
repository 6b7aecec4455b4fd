/**
 * @es/domain — event-sourced aggregates, domain events, the `@event` decorator, snapshots,
 * versioning (upcasting) and topics. Depends on nothing but Node's standard library.
 */
export {
  Aggregate,
  type AggregateConstructor,
  stateOf,
  type TriggerArguments,
} from "./aggregate.js";
export { type AggregateOptions, aggregate } from "./aggregate-decorator.js";
export {
  AggregateCreated,
  AggregateEvent,
  attributesOf,
  createTimestamp,
  DomainEvent,
  type DomainEventInit,
  type EventAttributes,
  type EventClass,
  type MutableAggregate,
  OriginatorIdError,
} from "./domain-event.js";
export {
  EventAttributesError,
  EventSourcingError,
  messageOf,
  nameErrorClass,
  TopicError,
  VersionError,
} from "./errors.js";
export { type EventDecorator, event, triggers } from "./event-decorator.js";
export { type RetryOptions, retry } from "./retry.js";
export { Snapshot, type SnapshotInit } from "./snapshot.js";
export { strtobool } from "./strtobool.js";
export {
  derivedClassName,
  getTopic,
  hasTopic,
  registerTopic,
  resolveTopic,
} from "./topics.js";
export { CLASS_VERSION_KEY, classVersionOf, upcast } from "./upcast.js";
export { isUuid, NAMESPACE_DNS, NAMESPACE_URL, parseUuid, uuid4, uuid5 } from "./uuid.js";
