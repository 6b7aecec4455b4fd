/**
 * @es/persistence-core/testing — the conformance kit of recorders and views, for adapter test
 * suites (needs vitest).
 */

export {
  describeInfrastructureFactory,
  type FactoryKitOptions,
  type StoreDescriptionKit,
} from "./factory-kit.js";
export {
  type ChainKitOptions,
  type ChainKitStore,
  type ChainTamper,
  describeHashChain,
} from "./hash-chain-kit.js";
export { makeStoredEvent, type RecorderKitOptions } from "./kit-helpers.js";
export {
  describeAggregateRecorder,
  describeApplicationRecorder,
  describeProcessRecorder,
  describeTrackingRecorder,
} from "./recorder-kit.js";
export { describeStatesAsText } from "./text-states-kit.js";
export { describeView, type ViewKitOptions } from "./view-kit.js";
