/**
 * The bank accounts example, test first, on the in-memory store, SQLite and PostgreSQL, chosen
 * by environment only. The PostgreSQL server's POSTGRES_* variables come from the environment
 * the test run provides; each application gets a schema of its own.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InMemoryFactory } from "@es/persistence-core";
import { PostgresFactory } from "@es/postgres";
import { SqliteFactory } from "@es/sqlite";
import { Decimal } from "decimal.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { AccountNotFoundError, BankAccounts } from "../src/application.js";
import { AccountClosedError, InsufficientFundsError } from "../src/domain-model.js";

const dir = mkdtempSync(join(tmpdir(), "es-bank-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const unique = () => randomUUID().replaceAll("-", "");

type Factory = typeof InMemoryFactory | typeof SqliteFactory | typeof PostgresFactory;

const stores: [string, () => Record<string, string>, Factory][] = [
  ["in-memory", () => ({}), InMemoryFactory],
  [
    "sqlite",
    () => ({ INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: join(dir, `${unique()}.db`) }),
    SqliteFactory,
  ],
  [
    "postgres",
    () => ({ INFRASTRUCTURE_FACTORY: "@es/postgres", POSTGRES_SCHEMA: `bank_${unique()}` }),
    PostgresFactory,
  ],
];

let app: BankAccounts;
afterEach(() => app.close());

const d = (value: string) => new Decimal(value);

describe.each(stores)("bank accounts (%s)", (_store, env, factory) => {
  it("runs the bank accounts scenario", async () => {
    app = new BankAccounts({ env: env() });
    await app.ready;
    expect(app.factory).toBeInstanceOf(factory);

    await expect(app.getBalance("00000000-0000-4000-8000-000000000000")).rejects.toBeInstanceOf(
      AccountNotFoundError,
    );

    const accountId1 = await app.openAccount("Alice", "alice@example.com");
    expect(await app.getBalance(accountId1)).toEqual(d("0.00"));

    await app.depositFunds(accountId1, d("200.00"));
    expect(await app.getBalance(accountId1)).toEqual(d("200.00"));

    await app.withdrawFunds(accountId1, d("50.00"));
    expect(await app.getBalance(accountId1)).toEqual(d("150.00"));

    await expect(app.withdrawFunds(accountId1, d("151.00"))).rejects.toBeInstanceOf(
      InsufficientFundsError,
    );
    expect(await app.getBalance(accountId1)).toEqual(d("150.00"));

    const accountId2 = await app.openAccount("Bob", "bob@example.com");
    await app.transferFunds(accountId1, accountId2, d("100.00"));
    expect(await app.getBalance(accountId1)).toEqual(d("50.00"));
    expect(await app.getBalance(accountId2)).toEqual(d("100.00"));

    await expect(app.transferFunds(accountId1, accountId2, d("1000.00"))).rejects.toBeInstanceOf(
      InsufficientFundsError,
    );
    expect(await app.getBalance(accountId1)).toEqual(d("50.00"));
    expect(await app.getBalance(accountId2)).toEqual(d("100.00"));

    await app.closeAccount(accountId1);
    await expect(app.transferFunds(accountId1, accountId2, d("50.00"))).rejects.toBeInstanceOf(
      AccountClosedError,
    );
    await expect(app.transferFunds(accountId2, accountId1, d("50.00"))).rejects.toBeInstanceOf(
      AccountClosedError,
    );
    await expect(app.withdrawFunds(accountId1, d("1.00"))).rejects.toBeInstanceOf(
      AccountClosedError,
    );
    await expect(app.depositFunds(accountId1, d("1000.00"))).rejects.toBeInstanceOf(
      AccountClosedError,
    );
    expect(await app.getBalance(accountId1)).toEqual(d("50.00"));

    expect(await app.getOverdraftLimit(accountId2)).toEqual(d("0.00"));
    await app.setOverdraftLimit(accountId2, d("500.00"));
    await expect(app.setOverdraftLimit(accountId2, d("-500.00"))).rejects.toBeInstanceOf(
      RangeError,
    );
    expect(await app.getOverdraftLimit(accountId2)).toEqual(d("500.00"));

    await app.withdrawFunds(accountId2, d("500.00"));
    expect(await app.getBalance(accountId2)).toEqual(d("-400.00"));
    await expect(app.withdrawFunds(accountId2, d("101.00"))).rejects.toBeInstanceOf(
      InsufficientFundsError,
    );
    await expect(app.setOverdraftLimit(accountId1, d("500.00"))).rejects.toBeInstanceOf(
      AccountClosedError,
    );

    // Amounts are stored as exact decimal strings, never as binary floats.
    const [, deposit] = await app.log.select(1, 2);
    expect(new TextDecoder().decode(deposit?.state)).toContain(
      '{"_type_":"decimal_str","_data_":"200"}',
    );
  });

  it("keeps balances exact", async () => {
    app = new BankAccounts({ env: env() });
    const id = await app.openAccount("Carol", "carol@example.com");
    for (let i = 0; i < 3; i++) await app.depositFunds(id, d("0.1"));
    expect((await app.getBalance(id)).toString()).toBe("0.3");
  });
});
