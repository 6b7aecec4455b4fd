/**
 * @es/persistence-core/testing — the conformance kit of recorders and views, for adapter test
 * suites (needs vitest).
 */

export { describeInfrastructureFactory, type FactoryKitOptions } from "./factory-kit.js";
export {
  describeAggregateRecorder,
  describeApplicationRecorder,
  describeProcessRecorder,
  describeTrackingRecorder,
  makeStoredEvent,
  type RecorderKitOptions,
} from "./recorder-kit.js";
export { describeView, type ViewKitOptions } from "./view-kit.js";
