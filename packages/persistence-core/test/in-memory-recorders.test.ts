/** The in-memory recorders run the shared conformance kit (PEER_BEHAVIOURS D.1). */

import {
  InMemoryAggregateRecorder,
  InMemoryApplicationRecorder,
  InMemoryProcessRecorder,
} from "../src/index.js";
import {
  describeAggregateRecorder,
  describeApplicationRecorder,
  describeProcessRecorder,
} from "../src/testing/index.js";

describeAggregateRecorder("InMemoryAggregateRecorder", async () => new InMemoryAggregateRecorder());
describeApplicationRecorder(
  "InMemoryApplicationRecorder",
  async () => new InMemoryApplicationRecorder(),
  {
    batchSize: 10_000,
  },
);
describeProcessRecorder("InMemoryProcessRecorder", async () => new InMemoryProcessRecorder());
