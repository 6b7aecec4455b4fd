/**
 * @es/application — event-sourced applications: `Application` (save, repository, notification
 * log, live subscriptions, snapshotting, hash-chained events and verifying the store), `Repository`, `LocalNotificationLog`.
 */
export {
  AGGREGATE_CACHE_FASTFORWARD,
  AGGREGATE_CACHE_MAXSIZE,
  AggregateCache,
} from "./aggregate-cache.js";
export {
  Application,
  type ApplicationClass,
  type ApplicationOptions,
  applicationNameOf,
  type SnapshotFailure,
} from "./application.js";
export {
  AggregateNotFound,
  AggregateNotFoundError,
  ApplicationStateError,
  SnapshottingDisabledError,
} from "./errors.js";
export type { CheckpointingOptions, VerifyOptions } from "./integrity.js";
export {
  LocalNotificationLog,
  type NotificationLog,
  type Section,
} from "./notification-log.js";
export { type GetOptions, Repository, type RepositoryOptions } from "./repository.js";
export type { SubscribedEvent } from "./subscription.js";
