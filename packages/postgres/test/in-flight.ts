/**
 * Writers driven statement by statement on connections of a test's own, as the ordering and
 * subscription tests drive them: inserts made with the recorder's own statement inside
 * transactions the test opens, and writers that commit out of id order.
 */
import { uuid4 } from "@es/domain";
import type pg from "pg";
import type { TableName } from "../src/index.js";
import { insertApplicationStatement } from "../src/schema.js";

/** Inserts one event in the open transaction of `on`, with the recorder's statement. */
export async function insert(
  on: pg.Client,
  table: TableName,
  originatorId: string = uuid4(),
  topic = "t",
): Promise<number> {
  const { rows } = await on.query(insertApplicationStatement(table, "one"), [
    originatorId,
    1,
    topic,
    Buffer.from([0]),
    null,
  ]);
  return Number(rows[0].notification_id);
}

/**
 * `saves` transactions on each connection, each holding its insert open for up to 4 ms, so
 * that later ids often commit first, and rolling back one in ten at random. Resolves to the
 * ids committed.
 */
export async function commitOutOfOrder(
  writers: readonly pg.Client[],
  table: TableName,
  saves: number,
): Promise<number[]> {
  const committed: number[] = [];
  await Promise.all(
    writers.map(async (writer) => {
      for (let i = 0; i < saves; i++) {
        await writer.query("BEGIN");
        const id = await insert(writer, table);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
        if (Math.random() < 0.1) {
          await writer.query("ROLLBACK");
        } else {
          await writer.query("COMMIT");
          committed.push(id);
        }
      }
    }),
  );
  return committed;
}
