/**
 * The closest TypeScript peer, Emmett's PostgreSQL event store, doing the same work as the
 * library in W1 (saves), W2 (gets), W3 (reading everything in global order in pages of 100)
 * and W5 (4 concurrent writers), on the same server, each append checked against the stream's
 * expected version as the library's saves are.
 */
import { randomUUID } from "node:crypto";
import { dumbo } from "@event-driven-io/dumbo";
import type { Event } from "@event-driven-io/emmett";
import { getPostgreSQLEventStore, readMessagesBatch } from "@event-driven-io/emmett-postgresql";
import { connectionString, forSeconds, type PostgresServer, perSecond } from "./postgres-server.js";

type Opened = Event<"AccountOpened", { owner: string }>;
type Deposited = Event<"Deposited", { amount: number; timestamp: string }>;

export interface EmmettResult {
  readonly saves: number;
  readonly gets: number;
  readonly reads: number;
  readonly concurrentSaves: number;
}

export async function measureEmmett(
  server: PostgresServer,
  aggregates: number,
  commands: number,
  concurrentSeconds: number,
): Promise<EmmettResult> {
  const url = connectionString(server);
  const store = getPostgreSQLEventStore(url);
  const deposit = (): Deposited => ({
    type: "Deposited",
    data: { amount: 10, timestamp: new Date().toISOString() },
  });
  const account = async (owner: string): Promise<string> => {
    const stream = `account-${randomUUID()}`;
    await store.appendToStream<Opened | Deposited>(
      stream,
      [{ type: "AccountOpened", data: { owner } }],
      { expectedStreamVersion: "STREAM_DOES_NOT_EXIST" },
    );
    for (let c = 1; c <= commands; c++) {
      await store.appendToStream<Opened | Deposited>(stream, [deposit()], {
        expectedStreamVersion: BigInt(c),
      });
    }
    return stream;
  };
  await account("warm-up");

  const streams: string[] = [];
  let started = performance.now();
  for (let i = 0; i < aggregates; i++) streams.push(await account(`owner ${i}`));
  const saves = perSecond(aggregates * (commands + 1), performance.now() - started);

  started = performance.now();
  for (const stream of streams) await store.readStream<Opened | Deposited>(stream);
  const gets = perSecond(streams.length, performance.now() - started);

  const pool = dumbo({ connectionString: url });
  started = performance.now();
  let after = 0n;
  let read = 0;
  for (;;) {
    const batch = await readMessagesBatch(pool.execute, { after, batchSize: 100 });
    if (batch.messages.length === 0) break;
    read += batch.messages.length;
    after = batch.currentGlobalPosition;
  }
  const reads = perSecond(read, performance.now() - started);
  await pool.close();
  const appended = (aggregates + 1) * (commands + 1);
  if (read < appended) throw new Error(`Emmett read ${read} messages of ${appended} appended`);

  const counts = await Promise.all(
    Array.from({ length: 4 }, async () => {
      let stream = "";
      let version = 0;
      return forSeconds(concurrentSeconds, async () => {
        if (version === 0 || version > commands) {
          stream = `account-${randomUUID()}`;
          await store.appendToStream<Opened | Deposited>(
            stream,
            [{ type: "AccountOpened", data: { owner: "concurrent" } }],
            { expectedStreamVersion: "STREAM_DOES_NOT_EXIST" },
          );
          version = 1;
        } else {
          await store.appendToStream<Opened | Deposited>(stream, [deposit()], {
            expectedStreamVersion: BigInt(version),
          });
          version++;
        }
      });
    }),
  );
  const concurrentSaves = counts.reduce((sum, count) => sum + count, 0) / concurrentSeconds;
  await store.close();
  return { saves, gets, reads, concurrentSaves };
}
