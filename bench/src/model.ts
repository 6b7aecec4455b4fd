import { Application } from "@es/application";
import { Aggregate, aggregate, event } from "@es/domain";

/** A small aggregate: created, then changed by commands of one small attribute each. */
@aggregate
export class Account extends Aggregate {
  balance = 0;
  closed = false;
  constructor(readonly owner: string) {
    super();
  }
  @event("Deposited")
  deposit(amount: number) {
    this.balance += amount;
  }
  /** A rare event: the events stored at scale have it once in 10,000 (scaling.ts). */
  @event("Closed")
  close() {
    this.closed = true;
  }
}

export class Accounts extends Application {
  static override logSectionSize = 100;
}

/** The deposits in an account's life (W1): it is saved `COMMANDS + 1` times. */
export const COMMANDS = 9;

/** One account's life: created, then `COMMANDS` deposits, saved after each; its id. */
export async function accountLife(app: Application, owner: string): Promise<string> {
  const account = Account.create(owner);
  await app.save(account);
  for (let c = 0; c < COMMANDS; c++) {
    account.deposit(10);
    await app.save(account);
  }
  return account.id;
}

/**
 * The application of the events stored at scale (scaling.ts, sqlite-scaling.ts): its table,
 * `scaling_events`, is the one they fill, so a projection at scale reads them through it.
 */
export class Scaling extends Application {
  static override applicationName = "Scaling";
}
