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
import { datastore, server, table, uniquePrefix } from "./server.js";

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
  // A schema of its own each time: the database is shared by every test.
  env: () => ({
    INFRASTRUCTURE_FACTORY: "@es/postgres",
    ...server(),
    POSTGRES_SCHEMA: uniquePrefix(),
  }),
  factoryClass: PostgresFactory,
  aggregateRecorderClass: PostgresAggregateRecorder,
  applicationRecorderClass: PostgresApplicationRecorder,
  trackingRecorderClass: PostgresTrackingRecorder,
  processRecorderClass: PostgresProcessRecorder,
  description: {
    store: "@es/postgres",
    location: (env) =>
      `${env.POSTGRES_HOST}:${env.POSTGRES_PORT}/${env.POSTGRES_DBNAME}, schema "${env.POSTGRES_SCHEMA}"`,
    createNoteTable: async (factory, name) => {
      const { datastore, options } = factory as PostgresFactory;
      await datastore.execute(`CREATE TABLE "${options.schema}"."${name}" (note text)`);
    },
  },
});
