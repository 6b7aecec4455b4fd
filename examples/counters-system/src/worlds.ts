/** Worlds: an application that records what happens in worlds. */
import { Application } from "@es/application";
import { Aggregate, type AggregateEvent, aggregate, event } from "@es/domain";

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
