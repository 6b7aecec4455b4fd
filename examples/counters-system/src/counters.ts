/**
 * Counters: a process application that follows Worlds and counts how often each thing
 * happened, in a Counter aggregate per thing (its id made from the thing's name).
 */
import { AggregateNotFoundError } from "@es/application";
import { Aggregate, aggregate, type DomainEvent, event, NAMESPACE_URL, uuid5 } from "@es/domain";
import { ProcessApplication, type ProcessEvent } from "@es/system";
import { World } from "./worlds.js";

@aggregate("Counter")
export class Counter extends Aggregate {
  name: string;
  count = 0;

  constructor({ name }: { name: string }) {
    super();
    this.name = name;
  }

  static override createId({ name }: { name: string }): string {
    return uuid5(NAMESPACE_URL, `/counters/${name}`);
  }

  @event("Incremented")
  increment() {
    this.count += 1;
  }
}

export class Counters extends ProcessApplication {
  static override applicationName = "Counters";

  async policy(domainEvent: DomainEvent, processEvent: ProcessEvent): Promise<void> {
    // Other events of Worlds (a world created) are ignored; they are still tracked.
    if (!(domainEvent instanceof World.SomethingHappened)) return;
    const { what } = domainEvent as unknown as { what: string };
    const counter = await this.#counter(what);
    counter.increment();
    processEvent.collectEvents(counter);
  }

  async getCount(what: string): Promise<number> {
    const counter = await this.#counter(what);
    return counter.count;
  }

  async #counter(name: string): Promise<Counter> {
    try {
      return await this.repository.get<Counter>(Counter.createId({ name }));
    } catch (error) {
      if (error instanceof AggregateNotFoundError) return Counter.create({ name });
      throw error;
    }
  }
}
