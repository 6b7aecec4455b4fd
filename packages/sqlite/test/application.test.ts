/**
 * An application on SQLite: saving, the log,
 * snapshots stored in the application's snapshots table, and versions read through them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AggregateNotFoundError, Application } from "@es/application";
import { Aggregate, aggregate, event, type Snapshot } from "@es/domain";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { SqliteFactory } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "es-sqlite-app-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

@aggregate
class Account extends Aggregate {
  balance = 0;
  constructor(readonly fullName: string) {
    super();
  }
  @event("Credited")
  credit(amount: number) {
    this.balance += amount;
  }
}

class BankAccounts extends Application {
  static override isSnapshottingEnabled = true;
}

it("saves, logs, snapshots and reads versions on SQLite", async () => {
  const dbName = join(dir, "bank.db");
  const app = new BankAccounts({
    env: { INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: dbName },
  });
  await app.ready;
  expect(app.factory).toBeInstanceOf(SqliteFactory);
  await expect(app.repository.get("00000000-0000-4000-8000-000000000000")).rejects.toBeInstanceOf(
    AggregateNotFoundError,
  );

  const account = Account.create("Alice");
  await app.save(account);
  for (const amount of [10, 25, 30]) {
    account.credit(amount);
    await app.save(account);
  }
  expect((await app.repository.get<Account>(account.id)).balance).toBe(65);
  expect((await app.log.section("1,10")).items).toHaveLength(4);

  await app.takeSnapshot(account.id, 2);
  const [v2] = (await app.snapshots?.get<Snapshot>(account.id, { desc: true, limit: 1 })) ?? [];
  expect(v2?.originatorVersion).toBe(2);
  const v3 = await app.repository.get<Account>(account.id, { version: 3 });
  expect([v3.version, v3.balance]).toEqual([3, 35]);

  await app.takeSnapshot(account.id);
  const [latest] = (await app.snapshots?.get<Snapshot>(account.id, { desc: true, limit: 1 })) ?? [];
  expect(latest?.originatorVersion).toBe(4);
  expect(latest?.state).not.toHaveProperty("pendingEvents");
  const restored = latest?.mutate<Account>();
  expect([restored?.id, restored?.balance]).toEqual([account.id, 65]);
  expect((await app.repository.get<Account>(account.id)).balance).toBe(65);
  await app.close();

  const raw = new Database(dbName, { readonly: true });
  expect(raw.prepare("select count(*) n from bankaccounts_snapshots").get()).toEqual({ n: 2 });
  expect(raw.prepare("select count(*) n from bankaccounts_events").get()).toEqual({ n: 4 });
  raw.close();
});

it("keeps an aggregate's pending events when a save fails, so that a retry records them", async () => {
  const dbName = join(dir, "retry.db");
  const app = new BankAccounts({
    env: { INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: dbName, SQLITE_LOCK_TIMEOUT: "0" },
  });
  const account = Account.create("Bob");
  await app.save(account);
  account.credit(5);
  account.credit(7);

  // Another connection holds the write lock: the save times out at once.
  const other = new Database(dbName);
  other.exec("BEGIN IMMEDIATE");
  await expect(app.save(account)).rejects.toThrow(/locked|busy/i);
  expect(account.pendingEvents.map((e) => e.originatorVersion)).toEqual([2, 3]);
  other.exec("ROLLBACK");
  other.close();

  const ids = await app.save(account);
  expect(ids).toHaveLength(2);
  expect(account.pendingEvents).toHaveLength(0);
  expect((await app.repository.get<Account>(account.id)).balance).toBe(12);
  await app.close();
});
