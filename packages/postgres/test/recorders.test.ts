/** The PostgreSQL recorders run the shared conformance kit against a real server. */
import {
  describeAggregateRecorder,
  describeApplicationRecorder,
  describeInfrastructureFactory,
  describeProcessRecorder,
  describeTrackingRecorder,
} from "@es/persistence-core/testing";
import {
  PostgresAggregateRecorder,
  PostgresApplicationRecorder,
  PostgresFactory,
  PostgresProcessRecorder,
  PostgresTrackingRecorder,
} from "../src/index.js";
import { datastore, server, table } from "./server.js";

async function created<R extends { createTable(): Promise<void> }>(recorder: R): Promise<R> {
  await recorder.createTable();
  return recorder;
}
const dispose = (recorder: { readonly datastore: { close(): Promise<void> } }) =>
  recorder.datastore.close();

describeAggregateRecorder(
  "PostgresAggregateRecorder",
  () => created(new PostgresAggregateRecorder(datastore(), table("snapshots"))),
  { dispose },
);
describeApplicationRecorder(
  "PostgresApplicationRecorder",
  () => created(new PostgresApplicationRecorder(datastore(), table("events"))),
  { dispose },
);
describeTrackingRecorder(
  "PostgresTrackingRecorder",
  () => created(new PostgresTrackingRecorder(datastore(), table("tracking"))),
  { dispose },
);
describeProcessRecorder(
  "PostgresProcessRecorder",
  () => created(new PostgresProcessRecorder(datastore(), table("events"), table("tracking"))),
  { dispose },
);

describeInfrastructureFactory("PostgresFactory", {
  env: () => ({ INFRASTRUCTURE_FACTORY: "@es/postgres", ...server() }),
  factoryClass: PostgresFactory,
  aggregateRecorderClass: PostgresAggregateRecorder,
  applicationRecorderClass: PostgresApplicationRecorder,
  trackingRecorderClass: PostgresTrackingRecorder,
  processRecorderClass: PostgresProcessRecorder,
});
