/**
 * @es/persistence-core/testing — the recorder conformance kit, for adapter test suites
 * (needs vitest).
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
