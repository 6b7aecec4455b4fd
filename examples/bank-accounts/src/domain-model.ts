/** The BankAccount aggregate of the bank accounts example, explicit style. */
import { Aggregate, AggregateCreated, AggregateEvent, aggregate, uuid4 } from "@es/domain";
import { Decimal } from "decimal.js";

export class TransactionError extends Error {}
export class AccountClosedError extends TransactionError {
  override name = "AccountClosedError";
}
export class InsufficientFundsError extends TransactionError {
  override name = "InsufficientFundsError";
}

/** `@aggregate` registers the class at once, so a process that only reads accounts finds it. */
@aggregate
export class BankAccount extends Aggregate {
  balance = new Decimal("0.00");
  overdraftLimit = new Decimal("0.00");
  isClosed = false;

  constructor(
    readonly fullName: string,
    readonly emailAddress: string,
  ) {
    super();
  }

  static open(fullName: string, emailAddress: string): BankAccount {
    return BankAccount._create(BankAccount.Opened, { id: uuid4(), fullName, emailAddress });
  }

  static Opened = class Opened extends AggregateCreated {
    declare readonly fullName: string;
    declare readonly emailAddress: string;
  };

  appendTransaction(amount: Decimal, transactionId?: string): void {
    this.checkAccountIsNotClosed();
    this.checkHasSufficientFunds(amount);
    this.triggerEvent(BankAccount.TransactionAppended, { amount, transactionId });
  }

  checkAccountIsNotClosed(): void {
    if (this.isClosed) throw new AccountClosedError(`Account ${this.id} is closed`);
  }

  checkHasSufficientFunds(amount: Decimal): void {
    if (this.balance.plus(amount).lessThan(this.overdraftLimit.negated())) {
      throw new InsufficientFundsError(`Insufficient funds in account ${this.id}`);
    }
  }

  static TransactionAppended = class TransactionAppended extends AggregateEvent {
    declare readonly amount: Decimal;
    declare readonly transactionId: string | undefined;
    override apply(account: BankAccount): void {
      account.balance = account.balance.plus(this.amount);
    }
  };

  setOverdraftLimit(overdraftLimit: Decimal): void {
    if (!overdraftLimit.greaterThan(0)) throw new RangeError("Overdraft limit must be positive");
    this.checkAccountIsNotClosed();
    this.triggerEvent(BankAccount.OverdraftLimitSet, { overdraftLimit });
  }

  static OverdraftLimitSet = class OverdraftLimitSet extends AggregateEvent {
    declare readonly overdraftLimit: Decimal;
    override apply(account: BankAccount): void {
      account.overdraftLimit = this.overdraftLimit;
    }
  };

  close(): void {
    this.triggerEvent(BankAccount.Closed);
  }

  static Closed = class Closed extends AggregateEvent {
    override apply(account: BankAccount): void {
      account.isClosed = true;
    }
  };
}
