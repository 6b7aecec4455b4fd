/** The BankAccounts application of the bank accounts example. */
import { AggregateNotFoundError, Application } from "@es/application";
import { decimalTranscoding, type Transcoder } from "@es/persistence-core";
import { Decimal } from "decimal.js";
import { BankAccount } from "./domain-model.js";

export class AccountNotFoundError extends Error {
  override name = "AccountNotFoundError";
  constructor(readonly accountId: string) {
    super(`Account ${accountId} not found`);
  }
}

export class BankAccounts extends Application {
  protected override registerTranscodings(transcoder: Transcoder): void {
    super.registerTranscodings(transcoder);
    transcoder.register(decimalTranscoding(Decimal));
  }

  async openAccount(fullName: string, emailAddress: string): Promise<string> {
    const account = BankAccount.open(fullName, emailAddress);
    await this.save(account);
    return account.id;
  }

  async getAccount(accountId: string): Promise<BankAccount> {
    try {
      return await this.repository.get<BankAccount>(accountId);
    } catch (error) {
      if (error instanceof AggregateNotFoundError) throw new AccountNotFoundError(accountId);
      throw error;
    }
  }

  async getBalance(accountId: string): Promise<Decimal> {
    return (await this.getAccount(accountId)).balance;
  }

  async depositFunds(creditAccountId: string, amount: Decimal): Promise<void> {
    const account = await this.getAccount(creditAccountId);
    account.appendTransaction(amount);
    await this.save(account);
  }

  async withdrawFunds(debitAccountId: string, amount: Decimal): Promise<void> {
    const account = await this.getAccount(debitAccountId);
    account.appendTransaction(amount.negated());
    await this.save(account);
  }

  async transferFunds(
    debitAccountId: string,
    creditAccountId: string,
    amount: Decimal,
  ): Promise<void> {
    const debitAccount = await this.getAccount(debitAccountId);
    const creditAccount = await this.getAccount(creditAccountId);
    debitAccount.appendTransaction(amount.negated());
    creditAccount.appendTransaction(amount);
    await this.save(debitAccount, creditAccount);
  }

  async setOverdraftLimit(accountId: string, overdraftLimit: Decimal): Promise<void> {
    const account = await this.getAccount(accountId);
    account.setOverdraftLimit(overdraftLimit);
    await this.save(account);
  }

  async getOverdraftLimit(accountId: string): Promise<Decimal> {
    return (await this.getAccount(accountId)).overdraftLimit;
  }

  async closeAccount(accountId: string): Promise<void> {
    const account = await this.getAccount(accountId);
    account.close();
    await this.save(account);
  }
}
