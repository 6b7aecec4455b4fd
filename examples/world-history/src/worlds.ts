import { Application } from "@es/application";
import { World } from "./world.js";

/** The Worlds application of the basic example. */
export class Worlds extends Application {
  static override applicationName = "Worlds";

  async createWorld(name: string): Promise<string> {
    const world = World.create({ name });
    await this.save(world);
    return world.id;
  }

  async makeItSo(worldId: string, what: string): Promise<void> {
    const world = await this.repository.get<World>(worldId);
    world.makeItSo({ what });
    await this.save(world);
  }

  async getHistory(worldId: string): Promise<string[]> {
    const world = await this.repository.get<World>(worldId);
    return [...world.history];
  }
}
