/** The application, named by a string: its name prefixes its variables and names its tables. */
import { Application } from "@es/application";
import { Dog } from "./domain.js";

export class DogSchool extends Application {
  static override applicationName = "DogSchool";

  async registerDog(name: string): Promise<string> {
    const dog = Dog.create({ name });
    await this.save(dog);
    return dog.id;
  }

  async addTrick(name: string, trick: string): Promise<void> {
    const dog = await this.repository.get<Dog>(Dog.createId({ name }));
    dog.addTrick({ trick });
    await this.save(dog);
  }

  async getDog(name: string): Promise<{ name: string; tricks: string[]; version: number }> {
    const dog = await this.repository.get<Dog>(Dog.createId({ name }));
    return { name: dog.name, tricks: dog.tricks, version: dog.version };
  }
}
