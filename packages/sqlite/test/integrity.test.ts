/**
 * Tamper-evidence on SQLite: the hash chain kit, with the file edited through a connection of
 * its own, as an intruder with the file would; and a file with random bytes written over a
 * page in its middle, which a verify reports rather than reading past.
 */
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Application } from "@es/application";
import { Aggregate, event } from "@es/domain";
import { generateCheckpointKeys, violationPlace } from "@es/persistence-core";
import { type ChainTamper, describeHashChain } from "@es/persistence-core/testing";
import { afterAll, describe, expect, it } from "vitest";
import {
  SqliteAggregateRecorder,
  SqliteApplicationRecorder,
  SqliteDatastore,
  sqlite,
} from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "es-sqlite-integrity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

/** Edits of a table made through a connection of the intruder's own. */
function tamperWith(path: string, table: string): ChainTamper {
  const run = (sql: string, ...params: unknown[]) => {
    const intruder = new SqliteDatastore({ path });
    try {
      intruder.prepare(sql).run(...params);
    } finally {
      intruder.close();
    }
  };
  const where = "WHERE originator_id = ? AND originator_version = ?";
  return {
    setState: async (id, version, state) =>
      run(`UPDATE "${table}" SET state = ? ${where}`, Buffer.from(state), id, version),
    setTopic: async (id, version, topic) =>
      run(`UPDATE "${table}" SET topic = ? ${where}`, topic, id, version),
    setHash: async (id, version, hash) =>
      run(`UPDATE "${table}" SET hash = ? ${where}`, hash && Buffer.from(hash), id, version),
    swapVersions: async (id, a, b) => {
      run(`UPDATE "${table}" SET originator_version = -1 ${where}`, id, a);
      run(`UPDATE "${table}" SET originator_version = ? ${where}`, a, id, b);
      run(`UPDATE "${table}" SET originator_version = ? ${where}`, b, id, -1);
    },
    deleteEvent: async (id, version) => run(`DELETE FROM "${table}" ${where}`, id, version),
  };
}

describeHashChain(
  "SQLite",
  async () => {
    const path = join(dir, `kit-${++counter}.db`);
    const recorder = new SqliteApplicationRecorder(new SqliteDatastore({ path }), "kit_events");
    recorder.createTable();
    const checkpoints = new SqliteAggregateRecorder(recorder.datastore, "kit_checkpoints");
    checkpoints.createTable();
    return {
      recorder,
      tamper: tamperWith(path, "kit_events"),
      checkpoints,
      checkpointTamper: tamperWith(path, "kit_checkpoints"),
    };
  },
  { dispose: ({ recorder }) => (recorder as SqliteApplicationRecorder).datastore.close() },
);

class Account extends Aggregate {
  balance = 0;

  @event("Credited")
  credit({ amount }: { amount: number }) {
    this.balance += amount;
  }
}

class Bank extends Application {
  static override applicationName = "Bank";
  static override isEventHashingEnabled = true;
}

describe("a SQLite file with random bytes written over a page in its middle", () => {
  it("is reported by a verify, which names what it can't read or finds damaged", async () => {
    const path = join(dir, "damaged.db");
    const { signingKey } = generateCheckpointKeys();
    const env = { CHECKPOINT_SIGNING_KEY: signingKey, CHECKPOINT_INTERVAL: "500" };
    const bank = new Bank({ infrastructure: sqlite({ path }), env });
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const account = Account.create();
      for (let j = 0; j < 9; j++) account.credit({ amount: j });
      await bank.save(account);
      ids.push(account.id);
    }
    await (await bank.checkpointer()).catchUp({ final: true });
    expect((await bank.verifyStore()).violations).toEqual([]);
    await bank.close();

    // Random bytes over one page in the middle of the file (not the first: that is the header).
    const pageSize = 4096;
    const pages = Math.floor(statSync(path).size / pageSize);
    const file = openSync(path, "r+");
    writeSync(file, randomBytes(pageSize), 0, pageSize, Math.floor(pages / 2) * pageSize);
    closeSync(file);

    const reopened = new Bank({ infrastructure: sqlite({ path }), env });
    const report = await reopened.verifyStore();
    const [first] = report.violations;
    expect(report.violationCount).toBeGreaterThan(0);
    expect(first?.kind).toBe("corrupt");
    const kinds = new Map<string, number>();
    for (const v of report.violations) kinds.set(v.kind, (kinds.get(v.kind) ?? 0) + 1);
    const second = report.violations.find((v) => v.kind !== "corrupt");
    console.info(
      `damaged SQLite file: ${report.violationCount} violations (${[...kinds].map(([k, n]) => `${n} ${k}`).join(", ")}); first: ${violationPlace(first as NonNullable<typeof first>)}: ${first?.detail}${second ? `; first in the log: ${violationPlace(second)}: ${second.detail}` : ""}`,
    );
    await reopened.close().catch(() => {});
  });
});
