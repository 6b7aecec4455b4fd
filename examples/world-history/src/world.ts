import { Aggregate, type AggregateEvent, event } from "@es/domain";

/** The World aggregate of the declarative example. */
export class World extends Aggregate {
  declare static readonly SomethingHappened: typeof AggregateEvent;

  history: string[] = [];

  constructor(readonly name: string) {
    super();
  }

  @event("SomethingHappened")
  makeItSo(what: string) {
    this.history.push(what);
  }
}
