import { Application } from "@es/application";
import { Aggregate, aggregate, event } from "@es/domain";

/** A small aggregate: created, then changed by commands of one small attribute each. */
@aggregate
export class Account extends Aggregate {
  balance = 0;
  constructor(readonly owner: string) {
    super();
  }
  @event("Deposited")
  deposit(amount: number) {
    this.balance += amount;
  }
}

export class Accounts extends Application {
  static override logSectionSize = 100;
}
