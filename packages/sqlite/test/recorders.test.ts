/** The SQLite recorders run the shared conformance kit, in memory and on a file. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  describeAggregateRecorder,
  describeApplicationRecorder,
  describeInfrastructureFactory,
  describeProcessRecorder,
  describeStatesAsText,
  describeTrackingRecorder,
} from "@es/persistence-core/testing";
import { afterAll } from "vitest";
import {
  SqliteAggregateRecorder,
  SqliteApplicationRecorder,
  SqliteDatastore,
  SqliteFactory,
  SqliteProcessRecorder,
  SqliteTrackingRecorder,
} from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "es-sqlite-kit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const fileName = () => join(dir, `kit-${++counter}.db`);

function created<R extends { createTable(): void }>(recorder: R): R {
  recorder.createTable();
  return recorder;
}
const dispose = (recorder: { readonly datastore: SqliteDatastore }) => recorder.datastore.close();

for (const [label, dbName] of [
  [":memory:", () => ":memory:"],
  ["file", fileName],
] as const) {
  const aggregateRecorder = async () =>
    created(new SqliteAggregateRecorder(new SqliteDatastore({ path: dbName() }), "test_snapshots"));
  const applicationRecorder = async () =>
    created(new SqliteApplicationRecorder(new SqliteDatastore({ path: dbName() }), "test_events"));
  describeAggregateRecorder(`SqliteAggregateRecorder (${label})`, aggregateRecorder, { dispose });
  describeApplicationRecorder(`SqliteApplicationRecorder (${label})`, applicationRecorder, {
    dispose,
    batchSize: 10_000,
  });
  describeTrackingRecorder(
    `SqliteTrackingRecorder (${label})`,
    async () =>
      created(new SqliteTrackingRecorder(new SqliteDatastore({ path: dbName() }), "test_tracking")),
    { dispose },
  );
  describeProcessRecorder(
    `SqliteProcessRecorder (${label})`,
    async () =>
      created(
        new SqliteProcessRecorder(
          new SqliteDatastore({ path: dbName() }),
          "test_events",
          "test_tracking",
        ),
      ),
    { dispose },
  );
  describeStatesAsText(`SqliteAggregateRecorder (${label})`, aggregateRecorder, { dispose });
  describeStatesAsText(`SqliteApplicationRecorder (${label})`, applicationRecorder, { dispose });
}

describeInfrastructureFactory("SqliteFactory", {
  env: () => ({ INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: fileName() }),
  factoryClass: SqliteFactory,
  aggregateRecorderClass: SqliteAggregateRecorder,
  applicationRecorderClass: SqliteApplicationRecorder,
  trackingRecorderClass: SqliteTrackingRecorder,
  processRecorderClass: SqliteProcessRecorder,
  description: {
    store: "@es/sqlite",
    location: (env) => String(env.SQLITE_DBNAME),
    createNoteTable: async (factory, name) =>
      (factory as SqliteFactory).datastore.exec([`CREATE TABLE "${name}" (note text)`]),
  },
});
