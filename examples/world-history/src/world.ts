import { Aggregate, type AggregateEvent, aggregate, event } from "@es/domain";

/**
 * The World aggregate of the declarative example, in the forms every build keeps: its topic
 * is a string, and its attributes are the keys of object parameters.
 */
@aggregate("World")
export class World extends Aggregate {
  declare static readonly SomethingHappened: typeof AggregateEvent;

  readonly name: string;
  history: string[] = [];

  constructor({ name }: { name: string }) {
    super();
    this.name = name;
  }

  @event("SomethingHappened")
  makeItSo({ what }: { what: string }) {
    this.history.push(what);
  }
}
