/** The in-memory infrastructure factory: the default when `INFRASTRUCTURE_FACTORY` is unset. */
import { InfrastructureFactory } from "../infrastructure-factory.js";
import type { AggregateRecorder, ApplicationRecorder, ProcessRecorder } from "../recorders.js";
import {
  InMemoryAggregateRecorder,
  InMemoryApplicationRecorder,
  InMemoryProcessRecorder,
} from "./recorders.js";

export class InMemoryFactory extends InfrastructureFactory {
  async aggregateRecorder(_purpose = "events"): Promise<AggregateRecorder> {
    return new InMemoryAggregateRecorder();
  }

  async applicationRecorder(): Promise<ApplicationRecorder> {
    return new InMemoryApplicationRecorder();
  }

  async processRecorder(): Promise<ProcessRecorder> {
    return new InMemoryProcessRecorder();
  }
}

export default InMemoryFactory;
