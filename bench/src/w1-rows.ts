/**
 * The rows W1 inserts, for the raw drivers to insert the same: each aggregate's versions 1 to
 * `perAggregate`, one after another, then a new aggregate. A raw insert of a new random id for
 * every row is another workload: its rows land all over the primary key's index, and it grew
 * from 28 to 36 µs a row on SQLite over 100,000 rows where W1's pattern stayed at 28 µs.
 */
import { randomUUID } from "node:crypto";

/** The state of the raw drivers' rows: a deposit's, as the library stores it. */
export const RAW_STATE = Buffer.from(
  '{"amount":10,"timestamp":{"_type_":"datetime_iso","_data_":"2026-01-01T00:00:00.000Z"}}',
);

/** The topic of the raw drivers' rows. */
export const RAW_TOPIC = "Account.Deposited";

/** The next row's originator id and version, in W1's order. */
export function w1Rows(perAggregate = 10): () => readonly [id: string, version: number] {
  let id = "";
  let version = perAggregate;
  return () => {
    if (version === perAggregate) {
      id = randomUUID();
      version = 0;
    }
    version++;
    return [id, version];
  };
}
