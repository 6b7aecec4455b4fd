/** The in-memory recorders run the shared conformance kit. */

import {
  InMemoryAggregateRecorder,
  InMemoryApplicationRecorder,
  InMemoryFactory,
  InMemoryProcessRecorder,
  InMemoryTrackingRecorder,
} from "../src/index.js";
import {
  describeAggregateRecorder,
  describeApplicationRecorder,
  describeInfrastructureFactory,
  describeProcessRecorder,
  describeTrackingRecorder,
} from "../src/testing/index.js";

describeAggregateRecorder("InMemoryAggregateRecorder", async () => new InMemoryAggregateRecorder());
describeApplicationRecorder(
  "InMemoryApplicationRecorder",
  async () => new InMemoryApplicationRecorder(),
  {
    batchSize: 10_000,
  },
);
describeTrackingRecorder("InMemoryTrackingRecorder", async () => new InMemoryTrackingRecorder());
describeProcessRecorder("InMemoryProcessRecorder", async () => new InMemoryProcessRecorder());

describeInfrastructureFactory("InMemoryFactory", {
  env: () => ({ INFRASTRUCTURE_FACTORY: "@es/persistence-core:InMemoryFactory" }),
  factoryClass: InMemoryFactory,
  aggregateRecorderClass: InMemoryAggregateRecorder,
  applicationRecorderClass: InMemoryApplicationRecorder,
  trackingRecorderClass: InMemoryTrackingRecorder,
  processRecorderClass: InMemoryProcessRecorder,
});
