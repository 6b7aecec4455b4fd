/** The PostgreSQL recorders run the shared conformance kit against a real server. */
import {
  describeAggregateRecorder,
  describeApplicationRecorder,
  describeInfrastructureFactory,
  describeProcessRecorder,
} from "@es/persistence-core/testing";
import {
  PostgresAggregateRecorder,
  PostgresApplicationRecorder,
  PostgresFactory,
  PostgresProcessRecorder,
} from "../src/index.js";
import { datastore, server, table } from "./server.js";

async function created<R extends PostgresAggregateRecorder>(recorder: R): Promise<R> {
  await recorder.createTable();
  return recorder;
}
const dispose = (recorder: PostgresAggregateRecorder) => recorder.datastore.close();

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
  processRecorderClass: PostgresProcessRecorder,
});
