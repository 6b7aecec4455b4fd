/**
 * @es/system — event-driven systems of applications: `ProcessApplication`s that follow
 * others exactly once (`Follower`, `Leader`, `ProcessEvent`), `System` definitions, runners,
 * and the `NotificationLogReader`.
 */
export { ConcurrentRunner } from "./concurrent-runner.js";
export {
  EventProcessingError,
  ProjectionError,
  RunnerAlreadyStarted,
  SystemDefinitionError,
  SystemError,
} from "./errors.js";
export { Follower } from "./follower.js";
export {
  type HttpClientOptions,
  HttpNotificationLogInterface,
  type NotificationLogServer,
  type ServeOptions,
  serveNotificationLog,
} from "./interface/http.js";
export { NotificationLogJSONClient, NotificationLogReadError } from "./interface/json-client.js";
export {
  type NotificationJSON,
  NotificationLogJSONService,
  notificationToJSON,
  type SectionJSON,
} from "./interface/json-service.js";
export type { NotificationLogInterface } from "./interface/notification-log-interface.js";
export { Leader, ProcessApplication } from "./leader.js";
export type { Leading } from "./leading.js";
export { MultiProcessRunner, type MultiProcessRunnerOptions } from "./multi-process-runner.js";
export { NotificationLogReader, type ReaderSelectOptions } from "./notification-log-reader.js";
export { ProcessEvent } from "./process-event.js";
export type { ProjectedEvent, Projection } from "./projection.js";
export type { ProjectionDefinition, ProjectionModule } from "./projection-definition.js";
export type { ProjectionProgress } from "./projection-progress.js";
export { ProjectionRunner, type ProjectionRunnerOptions } from "./projection-runner.js";
export type { Promptable } from "./promptable.js";
export { Runner, type RunnerOptions } from "./runner.js";
export { SingleThreadedRunner } from "./single-threaded-runner.js";
export { System } from "./system.js";
