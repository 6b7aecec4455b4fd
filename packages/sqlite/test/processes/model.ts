/** The model the child-process tests share. */
import { Application } from "@es/application";
import { Aggregate, aggregate, event } from "@es/domain";

@aggregate
export class Counter extends Aggregate {
  count = 0;
  constructor(readonly label: string) {
    super();
  }
  @event("Incremented")
  increment(by: number) {
    this.count += by;
  }
}

@aggregate
export class World extends Aggregate {
  history: string[] = [];
  @event("SomethingHappened")
  makeItSo(what: string) {
    this.history.push(what);
  }
}

export class Counters extends Application {}
export class Worlds extends Application {}

/** The environment of an application on the SQLite file `dbName`. */
export function sqliteEnv(dbName: string): Record<string, string> {
  return { INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: dbName, SQLITE_LOCK_TIMEOUT: "30" };
}
