/**
 * `describeStore` on PostgreSQL: the tables of the factory's schema alone (whatever their names,
 * a partitioned table as one), those the user may read, and the server without the password.
 * (The conformance kit checks the counts and tracking positions of the adapter's own tables.)
 */
import { Environment } from "@es/persistence-core";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresFactory } from "../src/index.js";
import { client, connection, server, uniquePrefix, waitingForLock } from "./server.js";

const schema = `s_${uniquePrefix()}`;
const other = `s_${uniquePrefix()}`;
const role = `u_${uniquePrefix()}`;
const password = "describe-store-secret";
afterAll(async () => {
  const admin = await client();
  for (const name of [schema, other]) await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  await admin.query(`DROP OWNED BY ${role}`).catch(() => {});
  await admin.query(`DROP ROLE IF EXISTS ${role}`);
  await admin.end();
});

const fromEnv = (name: string, values: Record<string, string>) =>
  PostgresFactory.fromEnvironment(new Environment(name, { ...server(), ...values }));

describe("PostgresFactory.describeStore", () => {
  it("reads the tables of its schema alone, whatever their names, and locates them without the password", async () => {
    const factory = fromEnv("Worlds", { POSTGRES_SCHEMA: schema });
    await (await factory.applicationRecorder()).insertEvents([
      { originatorId: "a", originatorVersion: 1, topic: "t", state: new Uint8Array() },
    ]);
    const admin = await client();
    try {
      for (const statement of [
        // A quote and a space: names from the catalog are quoted whatever they hold.
        `CREATE TABLE ${schema}."odd ""one""_tracking" (application_name text, notification_id bigint)`,
        `INSERT INTO ${schema}."odd ""one""_tracking" VALUES ('Up', 4), ('Up', 9), ('Down', 1)`,
        // Counted as one table, its rows those of its partitions (which aren't listed).
        `CREATE TABLE ${schema}.parted (k int) PARTITION BY RANGE (k)`,
        `CREATE TABLE ${schema}.parted_low PARTITION OF ${schema}.parted FOR VALUES FROM (0) TO (10)`,
        `CREATE TABLE ${schema}.parted_high PARTITION OF ${schema}.parted FOR VALUES FROM (10) TO (20)`,
        `INSERT INTO ${schema}.parted VALUES (1), (15), (16)`,
        // Not tables.
        `CREATE VIEW ${schema}.a_view AS SELECT 1 AS one`,
        `CREATE SEQUENCE ${schema}.a_sequence`,
        // Another schema's tables are another store's.
        `CREATE SCHEMA ${other}`,
        `CREATE TABLE ${other}.elsewhere_tracking (application_name text, notification_id bigint)`,
      ]) {
        await admin.query(statement);
      }
    } finally {
      await admin.end();
    }
    const { POSTGRES_HOST, POSTGRES_PORT, POSTGRES_DBNAME, POSTGRES_PASSWORD } = server();
    const description = await factory.describeStore();
    expect(description).toEqual({
      store: "@es/postgres",
      location: `${POSTGRES_HOST}:${POSTGRES_PORT}/${POSTGRES_DBNAME}, schema "${schema}"`,
      tables: [
        { name: 'odd "one"_tracking', rows: 3 },
        { name: "parted", rows: 3 },
        { name: "worlds_events", rows: 1 },
      ],
      tracking: [
        { table: 'odd "one"_tracking', applicationName: "Down", notificationId: 1 },
        { table: 'odd "one"_tracking', applicationName: "Up", notificationId: 9 },
      ],
    });
    if (POSTGRES_PASSWORD !== "") expect(description.location).not.toContain(POSTGRES_PASSWORD);
    await factory.close();
  });

  it("leaves out the tables the user may not read", async () => {
    const readable = `s_${uniquePrefix()}`;
    const admin = await client();
    try {
      for (const statement of [
        `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`,
        `CREATE SCHEMA ${readable}`,
        `GRANT USAGE ON SCHEMA ${readable} TO ${role}`,
        `CREATE TABLE ${readable}.shown (note text)`,
        `CREATE TABLE ${readable}.hidden_tracking (application_name text, notification_id bigint)`,
        `GRANT SELECT ON ${readable}.shown TO ${role}`,
      ]) {
        await admin.query(statement);
      }
    } finally {
      await admin.end();
    }
    const factory = fromEnv("Reader", {
      POSTGRES_USER: role,
      POSTGRES_PASSWORD: password,
      POSTGRES_SCHEMA: readable,
    });
    try {
      const description = await factory.describeStore();
      expect(description.tables).toEqual([{ name: "shown", rows: 0 }]);
      expect(description.tracking).toEqual([]);
      expect(description.location).not.toContain(password);
    } finally {
      await factory.close();
      const cleanup = await client();
      await cleanup.query(`DROP SCHEMA ${readable} CASCADE`);
      await cleanup.end();
    }
  });

  it("reads again, without it, a table dropped after the catalog named it", async () => {
    const dropped = `s_${uniquePrefix()}`;
    const factory = fromEnv(`d${uniquePrefix()}`, { POSTGRES_SCHEMA: dropped });
    await factory.applicationRecorder();
    const admin = await connection();
    await admin.query(`CREATE TABLE ${dropped}.doomed (note text)`);
    // The count of the doomed table waits for this lock, then finds the table gone.
    await admin.query("BEGIN");
    await admin.query(`LOCK TABLE ${dropped}.doomed IN ACCESS EXCLUSIVE MODE`);
    const described = factory.describeStore();
    await waitingForLock(await connection(), factory.datastore, 1);
    await admin.query(`DROP TABLE ${dropped}.doomed`);
    await admin.query("COMMIT");
    expect((await described).tables).toEqual([
      { name: `${factory.tablePrefix.toLowerCase()}_events`, rows: 0 },
    ]);
    await factory.close();
    await admin.query(`DROP SCHEMA ${dropped} CASCADE`);
  });
});
