/**
 * The in-memory infrastructure: the default when `INFRASTRUCTURE_FACTORY` is unset, or given in
 * code as `inMemory()`. Nothing outlives the process.
 */
import type { Environment } from "../environment.js";
import {
  type FactoryInit,
  type Infrastructure,
  InfrastructureFactory,
  type StoreDescription,
} from "../infrastructure-factory.js";
import type {
  AggregateRecorder,
  ApplicationRecorder,
  ProcessRecorder,
  TrackingRecorder,
} from "../recorders.js";
import {
  InMemoryAggregateRecorder,
  InMemoryApplicationRecorder,
  InMemoryProcessRecorder,
  InMemoryTrackingRecorder,
} from "./recorders.js";

/** The in-memory infrastructure: the default, for tests and trying things out. */
export class InMemoryFactory extends InfrastructureFactory {
  /** The in-memory store takes no options, from the environment or elsewhere. */
  static fromEnvironment<F extends InMemoryFactory>(
    this: new (
      init: FactoryInit,
    ) => F,
    env: Environment,
    init: FactoryInit = {},
  ): F {
    return new this({ ...init, env });
  }

  async aggregateRecorder(_purpose = "events"): Promise<AggregateRecorder> {
    return new InMemoryAggregateRecorder();
  }

  async applicationRecorder(): Promise<ApplicationRecorder> {
    return new InMemoryApplicationRecorder();
  }

  async trackingRecorder(): Promise<TrackingRecorder> {
    return new InMemoryTrackingRecorder();
  }

  async processRecorder(): Promise<ProcessRecorder> {
    return new InMemoryProcessRecorder();
  }

  /**
   * An in-memory store as having no tables: it lives in one process's memory, so a tool, in a
   * process of its own, could never read it.
   */
  override async describeStore(): Promise<StoreDescription> {
    return { store: "in-memory", location: "this process's memory", tables: [], tracking: [] };
  }
}

/** The in-memory store, configured in code: `new Worlds({ infrastructure: inMemory() })`. */
export function inMemory(): Infrastructure {
  return { name: "in-memory", create: (init) => new InMemoryFactory(init) };
}

export default InMemoryFactory;
