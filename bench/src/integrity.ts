/**
 * What tamper-evidence costs, on each store:
 *
 *   W1 and W2 with event hashing off and on, in turns, same run → saves/s, gets/s, on/off
 *      (W2 reads every account again and again for at least half a second; W1 in memory
 *      saves ten times the accounts, to last long enough to be measured); W2 cold: the gets
 *      by fresh instances of the application, each reading every account once
 *   Verify: `verifyStore` over INTEGRITY_EVENTS hashed events (default 1,000,000; 100,000
 *      aggregates of 10), beside W3 (reading the same log in pages) → events/s, ratio
 *   Checkpointing: a checkpointer's catch-up over the same log, a checkpoint every 10,000
 *      → ms per 10,000 notifications, beside reading them alone
 *
 * Run alone with `pnpm --filter @es/bench integrity` (INTEGRITY_AGGREGATES, default 300
 * accounts for W1/W2, INTEGRITY_ROUNDS default 5); `pnpm bench` runs it last.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type ApplicationRecorder,
  Checkpointer,
  CheckpointStore,
  eventHash,
  generateCheckpointKeys,
  genesisHash,
  HashChain,
  InfrastructureFactory,
  type StoredEvent,
  signingKey,
  verifyStore,
} from "@es/persistence-core";
import { Account, Accounts, accountLife, COMMANDS } from "./model.js";
import { readAll } from "./pages.js";
import {
  dropSchemas,
  forSeconds,
  type PostgresServer,
  perSecond,
  postgresServer,
} from "./postgres-server.js";
import { inTurns, timed } from "./rounds.js";

/** How long W2 reads for, at least, in each round (and W2 cold). */
const W2_MS = 500;

export interface IntegrityOptions {
  /** Accounts per W1 round (each created then changed 9 times, saved after each). */
  readonly aggregates: number;
  readonly rounds: number;
  /** Hashed events verified at scale (0 skips it). */
  readonly events: number;
}

export function integrityOptions(): IntegrityOptions {
  return {
    aggregates: Number(process.env.INTEGRITY_AGGREGATES ?? 300),
    rounds: Number(process.env.INTEGRITY_ROUNDS ?? 5),
    events: Number(process.env.INTEGRITY_EVENTS ?? 1_000_000),
  };
}

interface CostRow {
  readonly store: string;
  readonly w1Off: number;
  readonly w1On: number;
  readonly w2Off: number;
  readonly w2On: number;
  readonly w2ColdOff?: number;
  readonly w2ColdOn?: number;
  readonly w5Off?: number;
  readonly w5On?: number;
}

interface VerifyRow {
  readonly store: string;
  readonly events: number;
  readonly verify: number;
  readonly w3: number;
  readonly checkpointMsPer10k: number;
  readonly readMsPer10k: number;
  readonly violations: number;
}

interface RoundResult {
  readonly saves: number;
  readonly gets: number;
  readonly coldGets: number | undefined;
  readonly concurrent: number | undefined;
}

/**
 * One round on a fresh application: W1, W2, and (for `concurrentSeconds`) W5, 4 writers
 * saving accounts' lives at once → saves/s, gets/s, concurrent saves/s.
 */
async function round(
  env: Record<string, string>,
  hashing: boolean,
  aggregates: number,
  concurrentSeconds: number,
): Promise<RoundResult> {
  const app = new Accounts({ env: { ...env, IS_EVENT_HASHING_ENABLED: hashing ? "y" : "n" } });
  await app.ready;
  const ids: string[] = [];
  const [, saveMs] = await timed(async () => {
    for (let i = 0; i < aggregates; i++) ids.push(await accountLife(app, `owner ${i}`));
  });
  // W2: the accounts read again and again, for long enough to be measured on a noisy machine.
  let got = 0;
  const [, getMs] = await timed(async () => {
    const started = performance.now();
    while (got === 0 || performance.now() - started < W2_MS) {
      for (const id of ids) await app.repository.get(id);
      got += ids.length;
    }
  });
  // W2 cold: fresh instances of the application, each reading every account once (what a
  // process that just started pays, its code and caches cold).
  let coldGets: number | undefined;
  if (env.INFRASTRUCTURE_FACTORY) {
    let coldMs = 0;
    let cold = 0;
    while (cold === 0 || coldMs < W2_MS) {
      const other = new Accounts({
        env: { ...env, IS_EVENT_HASHING_ENABLED: hashing ? "y" : "n" },
      });
      await other.ready;
      const [, ms] = await timed(async () => {
        for (const id of ids) await other.repository.get(id);
      });
      await other.close();
      coldMs += ms;
      cold += ids.length;
    }
    coldGets = perSecond(cold, coldMs);
  }
  let concurrent: number | undefined;
  if (concurrentSeconds > 0) {
    const counts = await Promise.all(
      Array.from({ length: 4 }, async () => {
        let current: Account | undefined;
        return forSeconds(concurrentSeconds, async () => {
          if (!current || current.version > COMMANDS) current = Account.create("concurrent");
          else current.deposit(10);
          await app.save(current);
        });
      }),
    );
    concurrent = counts.reduce((sum, n) => sum + n, 0) / concurrentSeconds;
  }
  await app.close();
  return {
    saves: perSecond(aggregates * (COMMANDS + 1), saveMs),
    gets: perSecond(got, getMs),
    coldGets,
    concurrent,
  };
}

const medianOf = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function measureCost(
  store: string,
  envOf: (name: string) => Record<string, string>,
  { aggregates, rounds }: IntegrityOptions,
  concurrentSeconds = 0,
): Promise<CostRow> {
  let n = 0;
  const results = { off: [] as RoundResult[], on: [] as RoundResult[] };
  for (let r = 0; r < rounds; r++) {
    for (const hashing of [false, true]) {
      const result = await round(
        envOf(`${hashing ? "on" : "off"}_${n++}`),
        hashing,
        aggregates,
        concurrentSeconds,
      );
      (hashing ? results.on : results.off).push(result);
    }
  }
  const median = (of: RoundResult[], key: "saves" | "gets" | "coldGets" | "concurrent") =>
    medianOf(of.map((result) => result[key] ?? 0));
  return {
    store,
    w1Off: median(results.off, "saves"),
    w1On: median(results.on, "saves"),
    w2Off: median(results.off, "gets"),
    w2On: median(results.on, "gets"),
    ...(results.on[0]?.coldGets === undefined
      ? {}
      : { w2ColdOff: median(results.off, "coldGets"), w2ColdOn: median(results.on, "coldGets") }),
    ...(concurrentSeconds > 0
      ? { w5Off: median(results.off, "concurrent"), w5On: median(results.on, "concurrent") }
      : {}),
  };
}

/** Fills a recorder with `events` hashed events: aggregates of 10, chained as a save would. */
async function fill(recorder: ApplicationRecorder, applicationName: string, events: number) {
  const state = Buffer.from(
    '{"amount":10,"timestamp":{"_type_":"datetime_iso","_data_":"2026-01-01T00:00:00.000Z"}}',
  );
  const batch: StoredEvent[] = [];
  for (let a = 0; a < events / 10; a++) {
    const id = crypto.randomUUID();
    let previous = genesisHash(applicationName, id);
    for (let v = 1; v <= 10; v++) {
      const event = {
        originatorId: id,
        originatorVersion: v,
        topic: v === 1 ? "Account.Created" : "Account.Deposited",
        state,
      };
      const hash = eventHash(previous, event);
      batch.push({ ...event, hash });
      previous = hash;
    }
    if (batch.length >= 5000) {
      await recorder.insertEvents(batch.splice(0));
      if ((a * 10) % 200_000 === 0)
        process.stdout.write(`  filled ${(a * 10).toLocaleString("en-US")}\r`);
    }
  }
  if (batch.length > 0) await recorder.insertEvents(batch.splice(0));
}

async function measureVerify(
  store: string,
  env: Record<string, string>,
  events: number,
): Promise<VerifyRow> {
  const applicationName = "Integrity";
  const factory = await InfrastructureFactory.construct({
    applicationName,
    env: { ...process.env, ...env },
  });
  try {
    const recorder = await factory.applicationRecorder();
    console.log(`  ${store}: storing ${events.toLocaleString("en-US")} hashed events`);
    await fill(recorder, applicationName, events);
    const chain = new HashChain(applicationName);
    const readLog = () =>
      readAll(
        1,
        (next) => recorder.selectNotifications(next, 1000),
        (n) => n.id,
      );
    const taken = await inTurns(3, {
      w3: async () => {
        const [count, ms] = await timed(readLog);
        return perSecond(count, ms);
      },
      verify: async () => {
        const [report, ms] = await timed(() => verifyStore(recorder, { chain }));
        if (report.violationCount > 0)
          throw new Error(`${report.violationCount} violations in a clean store`);
        return perSecond(report.checked, ms);
      },
    });
    const keys = generateCheckpointKeys();
    const checkpoints = new CheckpointStore(await factory.aggregateRecorder("checkpoints"));
    const checkpointer = new Checkpointer({
      applicationName,
      recorder,
      checkpoints,
      signingKey: signingKey(keys.signingKey),
      every: 10_000,
    });
    const [added, checkpointMs] = await timed(() => checkpointer.catchUp());
    const [, readMs] = await timed(readLog);
    const report = await verifyStore(recorder, { chain, checkpoints });
    return {
      store,
      events,
      verify: taken.verify,
      w3: taken.w3,
      checkpointMsPer10k: checkpointMs / (events / 10_000),
      readMsPer10k: readMs / (events / 10_000),
      violations: report.violationCount + (added.length === events / 10_000 ? 0 : 1),
    };
  } finally {
    await factory.close();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export function printIntegrity(costs: readonly CostRow[], verifies: readonly VerifyRow[]): void {
  console.log(
    "\nIntegrity: W1/W2 (and W5 on PostgreSQL) with event hashing off and on (same run, in turns, median)",
  );
  console.table(
    costs.map((row) => ({
      store: row.store,
      "W1 off (saves/s)": fmt(row.w1Off),
      "W1 on": fmt(row.w1On),
      "W1 on/off": (row.w1On / row.w1Off).toFixed(2),
      "W2 off (gets/s)": fmt(row.w2Off),
      "W2 on": fmt(row.w2On),
      "W2 on/off": (row.w2On / row.w2Off).toFixed(2),
      "W2 cold on/off":
        row.w2ColdOn === undefined || !row.w2ColdOff
          ? ""
          : (row.w2ColdOn / row.w2ColdOff).toFixed(2),
      "W5 off (4 writers saves/s)": row.w5Off === undefined ? "" : fmt(row.w5Off),
      "W5 on": row.w5On === undefined ? "" : fmt(row.w5On),
      "W5 on/off": row.w5On === undefined || !row.w5Off ? "" : (row.w5On / row.w5Off).toFixed(2),
    })),
  );
  if (verifies.length === 0) return;
  console.log(
    "Integrity: verifyStore over a clean hashed log, beside W3 over the same log; checkpointing",
  );
  console.table(
    verifies.map((row) => ({
      store: row.store,
      events: fmt(row.events),
      "verify (events/s)": fmt(row.verify),
      "W3 (events/s)": fmt(row.w3),
      "verify/W3": (row.verify / row.w3).toFixed(2),
      "checkpointing (ms/10k)": row.checkpointMsPer10k.toFixed(1),
      "reading alone (ms/10k)": row.readMsPer10k.toFixed(1),
      violations: row.violations,
    })),
  );
}

export async function measureIntegrity(
  server: PostgresServer,
  dir: string,
  options: IntegrityOptions,
): Promise<{ costs: CostRow[]; verifies: VerifyRow[] }> {
  const stamp = Date.now();
  const schemas: string[] = [];
  const postgresEnv = (name: string) => {
    const schema = `integrity_${stamp}_${name}`;
    schemas.push(schema);
    return { INFRASTRUCTURE_FACTORY: "@es/postgres", POSTGRES_SCHEMA: schema };
  };
  const sqliteEnv = (name: string) => ({
    INFRASTRUCTURE_FACTORY: "@es/sqlite",
    SQLITE_DBNAME: join(dir, `integrity-${stamp}-${name}.db`),
  });
  try {
    console.log("Integrity: W1/W2 hashing off and on");
    const costs = [
      // Saves in memory are fast: more of them, to be measured at all.
      await measureCost("in-memory", () => ({}), {
        ...options,
        aggregates: options.aggregates * 10,
      }),
      await measureCost("sqlite", sqliteEnv, options),
      await measureCost("postgres", postgresEnv, options, 3),
    ];
    const verifies: VerifyRow[] = [];
    if (options.events > 0) {
      verifies.push(await measureVerify("sqlite", sqliteEnv("verify"), options.events));
      verifies.push(await measureVerify("postgres", postgresEnv("verify"), options.events));
    }
    return { costs, verifies };
  } finally {
    await dropSchemas(server, schemas);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dir = mkdtempSync(join(tmpdir(), "es-bench-integrity-"));
  const [server, stop] = await postgresServer();
  try {
    const { costs, verifies } = await measureIntegrity(server, dir, integrityOptions());
    printIntegrity(costs, verifies);
  } finally {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
