/** The bank accounts example, test first. */
import { Decimal } from "decimal.js";
import { afterEach, expect, it } from "vitest";
import { AccountNotFoundError, BankAccounts } from "../src/application.js";
import { AccountClosedError, InsufficientFundsError } from "../src/domain-model.js";

let app: BankAccounts;
afterEach(() => app.close());

const d = (value: string) => new Decimal(value);

it("runs the bank accounts scenario", async () => {
  app = new BankAccounts();

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
  await expect(app.withdrawFunds(accountId1, d("1.00"))).rejects.toBeInstanceOf(AccountClosedError);
  await expect(app.depositFunds(accountId1, d("1000.00"))).rejects.toBeInstanceOf(
    AccountClosedError,
  );
  expect(await app.getBalance(accountId1)).toEqual(d("50.00"));

  expect(await app.getOverdraftLimit(accountId2)).toEqual(d("0.00"));
  await app.setOverdraftLimit(accountId2, d("500.00"));
  await expect(app.setOverdraftLimit(accountId2, d("-500.00"))).rejects.toBeInstanceOf(RangeError);
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
  app = new BankAccounts();
  const id = await app.openAccount("Carol", "carol@example.com");
  for (let i = 0; i < 3; i++) await app.depositFunds(id, d("0.1"));
  expect((await app.getBalance(id)).toString()).toBe("0.3");
});
