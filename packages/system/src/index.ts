/**
 * @es/system — event-driven systems of applications: `ProcessApplication`s that follow
 * others exactly once (`Follower`, `Leader`, `ProcessEvent`), `System` definitions, runners,
 * and the `NotificationLogReader`.
 */
export { ConcurrentRunner } from "./concurrent-runner.js";
export {
  EventProcessingError,
  RunnerAlreadyStarted,
  SystemDefinitionError,
  SystemError,
} from "./errors.js";
export { Follower } from "./follower.js";
export { Leader, type Leading, ProcessApplication } from "./leader.js";
export { NotificationLogReader } from "./notification-log-reader.js";
export { ProcessEvent } from "./process-event.js";
export type { Promptable } from "./promptable.js";
export { Runner, type RunnerOptions } from "./runner.js";
export { SingleThreadedRunner } from "./single-threaded-runner.js";
export { System } from "./system.js";
