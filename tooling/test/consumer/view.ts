/**
 * A consumer's view, compiled with plain tsc against the packed packages once kysely is
 * installed: `node dist/view.js <database>` counts the DogSchool's events per dog in one page, in
 * a view beside the application's tables, and prints the counts, whether the page is refused
 * when sent again, and the view's position.
 */
import { IntegrityError } from "@es/persistence-core";
import { SqliteDatastore } from "@es/sqlite";
import { sqliteView, type ViewDefinition } from "@es/sqlite/view";
import { sql } from "kysely";

interface TricksDB {
  tricks: { originator_id: string; count: number };
}

const tricks: ViewDefinition<TricksDB> = {
  name: "tricks",
  tables: ["tricks"],
  create: (db) => [
    db.schema
      .createTable("tricks")
      .ifNotExists()
      .addColumn("originator_id", "text", (column) => column.primaryKey())
      .addColumn("count", "integer", (column) => column.notNull()),
  ],
};

const datastore = new SqliteDatastore({ path: process.argv[2] ?? "dogs.db" });
const view = await sqliteView(datastore, tricks);
const page = { applicationName: "DogSchool", first: 1, last: 1_000 };
const counts = await view.transaction(page, async (db) => {
  await sql`INSERT INTO tricks (originator_id, count)
    SELECT originator_id, count(*) FROM dogschool_events GROUP BY originator_id`.execute(db);
  return db.selectFrom("tricks").select("count").execute();
});
const refused = await view
  .transaction({ ...page, first: 5, last: 5 }, async () => {})
  .catch((error: unknown) => error instanceof IntegrityError);
console.log(JSON.stringify({ counts, refused, position: await view.maxTrackingId("DogSchool") }));
datastore.close();
