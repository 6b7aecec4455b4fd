/**
 * The system of the original's documentation: `Worlds` records what happens in worlds, and
 * `Counters`, a process application, counts how often each thing happened.
 */
import { AggregateNotFoundError, Application } from "@es/application";
import {
  Aggregate,
  type AggregateEvent,
  aggregate,
  type DomainEvent,
  event,
  NAMESPACE_URL,
  uuid5,
} from "@es/domain";
import { ProcessApplication, type ProcessEvent } from "../src/index.js";

@aggregate("World")
export class World extends Aggregate {
  declare static readonly SomethingHappened: typeof AggregateEvent;
  history: string[] = [];

  @event("SomethingHappened")
  makeItSo({ what }: { what: string }) {
    this.history.push(what);
  }
}

export class Worlds extends Application {
  static override applicationName = "Worlds";

  async createWorld(): Promise<string> {
    const world = World.create();
    await this.save(world);
    return world.id;
  }

  async makeItSo(worldId: string, what: string): Promise<void> {
    const world = await this.repository.get<World>(worldId);
    world.makeItSo({ what });
    await this.save(world);
  }
}

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
    if (!(domainEvent instanceof World.SomethingHappened)) return;
    const { what } = domainEvent as unknown as { what: string };
    const counter = await this.repository
      .get<Counter>(Counter.createId({ name: what }))
      .catch((error: unknown) => {
        if (error instanceof AggregateNotFoundError) return Counter.create({ name: what });
        throw error;
      });
    counter.increment();
    processEvent.collectEvents(counter);
  }

  async getCount(what: string): Promise<number> {
    try {
      return (await this.repository.get<Counter>(Counter.createId({ name: what }))).count;
    } catch (error) {
      if (error instanceof AggregateNotFoundError) return 0;
      throw error;
    }
  }
}
