/**
 * `es copy`: every record of the application's store — events with their notification ids,
 * snapshots, checkpoints, tracking records — into another store (SQLite to PostgreSQL and
 * back), a page per transaction, with a progress bar. A target that already holds records is
 * refused unless `--resume` (a copy stopped part way, by Ctrl-C or a failure, goes on from the
 * last page it wrote); at the end both stores are read again and compared, record by record.
 */
import { createHash } from "node:crypto";
import {
  INFRASTRUCTURE_FACTORY,
  InfrastructureFactory,
  keyOf,
  type RecordKey,
  type RecordKind,
  type RecordsOf,
  type StoredRecords,
} from "@es/persistence-core";
import { recordValues } from "@es/persistence-core/sql";
import { CliError } from "../cli-error.js";
import type { CliIo } from "../io.js";
import { printJson, printTable } from "../output.js";
import { progressBar } from "../progress.js";
import { openStore, readEnvFile, type StoreOptions } from "../store.js";

/** What `copy` takes. */
export interface CopyOptions extends StoreOptions {
  /** The target store's variables, `NAME=value` each. */
  readonly to?: readonly string[] | undefined;
  /** A file of the target store's variables. */
  readonly toEnvFile?: string | undefined;
  /** Goes on with a copy into a target that holds part of it already. */
  readonly resume?: boolean | undefined;
  /** Records a page (and a transaction). */
  readonly batchSize?: number | undefined;
  readonly json?: boolean | undefined;
}

/** How a kind's table is made in the target: by the recorder that keeps it. */
const MAKE_TABLE: Record<RecordKind, (factory: InfrastructureFactory) => Promise<unknown>> = {
  events: (factory) => factory.applicationRecorder(),
  snapshots: (factory) => factory.aggregateRecorder("snapshots"),
  checkpoints: (factory) => factory.aggregateRecorder("checkpoints"),
  tracking: (factory) => factory.trackingRecorder(),
};

/** Copies the store; resolves to the exit status. */
export async function copy(options: CopyOptions, io: CliIo): Promise<number> {
  const targetEnv = { ...readEnvFile(options.toEnvFile, io), ...pairs(options.to ?? []) };
  if (!targetEnv[INFRASTRUCTURE_FACTORY]?.trim()) {
    throw new CliError(
      `Copy where? Give the target store's variables with --to NAME=value (${INFRASTRUCTURE_FACTORY}=@es/postgres and its POSTGRES_*, say) or --to-env-file FILE`,
    );
  }
  const batchSize = options.batchSize ?? 5000;
  const app = await openStore(options, io);
  let target: InfrastructureFactory | undefined;
  try {
    target = await InfrastructureFactory.construct({ applicationName: app.name, env: targetEnv });
    const [source, into] = await Promise.all([app.factory.describeStore(), target.describeStore()]);
    if (source.store === into.store && source.location === into.location) {
      throw new CliError(`The target is the store copied (${source.store}, ${source.location})`);
    }
    const from = await app.factory.storedRecords();
    const to = await target.storedRecords();
    const kinds = await from.kinds();
    for (const kind of kinds) await MAKE_TABLE[kind](target);

    const totals = new Map<RecordKind, number>();
    const starts = new Map<RecordKind, RecordKey | undefined>();
    let already = 0;
    for (const kind of kinds) {
      totals.set(kind, await from.count(kind));
      starts.set(kind, await to.lastKey(kind));
      already += await to.count(kind);
    }
    if (already > 0 && !options.resume) {
      throw new CliError(
        `The target store (${into.store}, ${into.location}) already holds ${already.toLocaleString("en")} records of application ${app.name}: copy into an empty store, or give --resume to go on with a copy that stopped`,
      );
    }
    const total = [...totals.values()].reduce((sum, n) => sum + n, 0);
    const started = performance.now();
    const bar = progressBar(io, total, "records");
    let done = already;
    bar.update(done);
    try {
      for (const kind of kinds) {
        await copyKind(kind, from, to, starts.get(kind), batchSize, io, (n) => {
          done += n;
          bar.update(done);
        });
      }
    } finally {
      bar.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const copied = done - already;

    const compared = performance.now();
    const counts: Record<string, number> = {};
    for (const kind of kinds) {
      const [a, b] = await Promise.all([
        digest(from, kind, batchSize),
        digest(to, kind, batchSize),
      ]);
      if (a.count !== b.count || a.hash !== b.hash) {
        throw new CliError(
          `The copy differs from the store copied: ${a.count.toLocaleString("en")} ${kind} there, ${b.count.toLocaleString("en")} in the target${a.count === b.count ? ", not all the same" : ""}`,
        );
      }
      counts[kind] = a.count;
    }
    const summary = {
      application: app.name,
      from: `${source.store} (${source.location})`,
      to: `${into.store} (${into.location})`,
      records: counts,
      copied,
      seconds: Number(seconds.toFixed(2)),
      recordsPerSecond: Math.round(copied / Math.max(seconds, 0.001)),
      verifiedSeconds: Number(((performance.now() - compared) / 1000).toFixed(2)),
    };
    if (options.json) printJson(io, summary);
    else {
      io.stdout.write(
        `Copied ${copied.toLocaleString("en")} records of ${app.name} in ${summary.seconds}s (${summary.recordsPerSecond.toLocaleString("en")}/s), from ${summary.from} to ${summary.to}; both stores read again and compared (${summary.verifiedSeconds}s): the same.\n`,
      );
      printTable(
        io,
        kinds.map((kind) => ({ records: kind, count: counts[kind] })),
      );
    }
    return 0;
  } finally {
    await target?.close();
    await app.close();
  }
}

/**
 * Copies one kind's records from after `start`, a page per transaction, reading the next page
 * while the last is written; stops (as Ctrl-C asks) between pages.
 */
async function copyKind(
  kind: RecordKind,
  from: StoredRecords,
  to: StoredRecords,
  start: RecordKey | undefined,
  batchSize: number,
  io: CliIo,
  progress: (copied: number) => void,
): Promise<void> {
  let next = from.read(kind, start, batchSize);
  for (;;) {
    const page = await next;
    const last = page.at(-1);
    if (last === undefined) return;
    next = from.read(kind, keyOf(kind, last as RecordsOf[typeof kind]), batchSize);
    // A read begun but not awaited (the copy stopped, or the write failed) fails unheard.
    next.catch(() => {});
    if (io.signal?.aborted) {
      throw new CliError(
        `The copy stopped (interrupted) before ${kind} after ${describeKey(start)}: run the same command with --resume to go on`,
      );
    }
    await to.write(kind, page);
    start = keyOf(kind, last as RecordsOf[typeof kind]);
    progress(page.length);
  }
}

const describeKey = (key: RecordKey | undefined) =>
  key === undefined ? "the first" : key.length === 1 ? `#${key[0]}` : `${key[0]} ${key[1]}`;

/** The kind's records, each with every stored field, hashed in key order; and their count. */
async function digest(
  records: StoredRecords,
  kind: RecordKind,
  batchSize: number,
): Promise<{ readonly count: number; readonly hash: string }> {
  const hash = createHash("sha256");
  let count = 0;
  let after: RecordKey | undefined;
  for (;;) {
    const page = await records.read(kind, after, batchSize);
    const last = page.at(-1);
    if (last === undefined) break;
    for (const record of page) hash.update(`${JSON.stringify(fieldsOf(kind, record))}\n`);
    count += page.length;
    after = keyOf(kind, last as RecordsOf[typeof kind]);
  }
  return { count, hash: hash.digest("hex") };
}

/** A record's stored values in its kind's column order, bytes in base64. */
function fieldsOf(kind: RecordKind, record: RecordsOf[RecordKind]): unknown[] {
  return recordValues(kind, record).map((value) =>
    value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value,
  );
}

/** `NAME=value` pairs as variables. */
function pairs(values: readonly string[]): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const pair of values) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      // The argument isn't repeated: it may be a secret given without its name.
      throw new CliError("--to takes NAME=value (a variable of the target store): one had no name");
    }
    variables[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return variables;
}
