/**
 * Selecting by topic reads each topic's notifications from an index on (topic,
 * notification_id), made with the tables: a database made before it gets it when its tables
 * are created again, and until then a read by topic is a ProgrammingError naming the index.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProgrammingError } from "@es/persistence-core";
import { makeStoredEvent } from "@es/persistence-core/testing";
import { afterAll, expect, it } from "vitest";
import { SqliteApplicationRecorder, SqliteDatastore } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "es-sqlite-topics-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("gives a database made before the topic index the index when its tables are created", async () => {
  const path = join(dir, "older.db");
  const datastore = new SqliteDatastore({ path });
  const recorder = new SqliteApplicationRecorder(datastore, "worlds_events");
  recorder.createTable();
  await recorder.insertEvents([makeStoredEvent("a", 1, "A"), makeStoredEvent("a", 2, "B")]);
  // The database as an earlier version made it: without the index.
  datastore.exec(['DROP INDEX "worlds_events_topic_idx"']);
  datastore.close();

  const reopened = new SqliteDatastore({ path });
  const older = new SqliteApplicationRecorder(reopened, "worlds_events");
  await expect(older.selectNotifications(1, 10, { topics: ["B"] })).rejects.toThrow(
    new ProgrammingError("no such index: worlds_events_topic_idx (SQLITE_ERROR)"),
  );
  expect((await older.selectNotifications(1, 10)).map((n) => n.id)).toEqual([1, 2]);
  older.createTable();
  expect((await older.selectNotifications(1, 10, { topics: ["B"] })).map((n) => n.id)).toEqual([2]);
  reopened.close();
});
