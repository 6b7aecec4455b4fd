/**
 * Tamper-evidence on PostgreSQL: the hash chain kit, with the tables edited through a client
 * of the intruder's own, as someone with database access would.
 */
import { type ChainTamper, describeHashChain } from "@es/persistence-core/testing";
import {
  PostgresAggregateRecorder,
  PostgresApplicationRecorder,
  type TableName,
} from "../src/index.js";
import { client, datastore, table } from "./server.js";

/** Edits of a table made through a client of the intruder's own. */
function tamperWith(name: TableName): ChainTamper {
  const run = async (sql: string, params: unknown[]) => {
    const intruder = await client();
    try {
      await intruder.query(sql, params);
    } finally {
      await intruder.end();
    }
  };
  const where = "WHERE originator_id = $1 AND originator_version = $2";
  const t = name.qualified;
  return {
    setState: (id, version, state) =>
      run(`UPDATE ${t} SET state = $3 ${where}`, [id, version, Buffer.from(state)]),
    setTopic: (id, version, topic) =>
      run(`UPDATE ${t} SET topic = $3 ${where}`, [id, version, topic]),
    setHash: (id, version, hash) =>
      run(`UPDATE ${t} SET hash = $3 ${where}`, [id, version, hash && Buffer.from(hash)]),
    swapVersions: async (id, a, b) => {
      await run(`UPDATE ${t} SET originator_version = -1 ${where}`, [id, a]);
      await run(`UPDATE ${t} SET originator_version = $3 ${where}`, [id, b, a]);
      await run(`UPDATE ${t} SET originator_version = $3 ${where}`, [id, -1, b]);
    },
    deleteEvent: (id, version) => run(`DELETE FROM ${t} ${where}`, [id, version]),
  };
}

describeHashChain(
  "PostgreSQL",
  async () => {
    const events = table("events");
    const checkpointsTable = table("checkpoints");
    const store = datastore();
    const recorder = new PostgresApplicationRecorder(store, events);
    await recorder.createTable();
    const checkpoints = new PostgresAggregateRecorder(store, checkpointsTable);
    await checkpoints.createTable();
    return {
      recorder,
      tamper: tamperWith(events),
      checkpoints,
      checkpointTamper: tamperWith(checkpointsTable),
    };
  },
  { dispose: ({ recorder }) => (recorder as PostgresApplicationRecorder).datastore.close() },
);
