/** The application, named by its class name. */
import { Application } from "@es/application";
import { Cat } from "./domain.js";

export class Cattery extends Application {
  async registerCat(name: string): Promise<void> {
    await this.save(Cat.create(name));
  }

  async addTrick(name: string, what: string): Promise<void> {
    const cat = await this.repository.get<Cat>(Cat.createId(name));
    cat.addTrick(what);
    await this.save(cat);
  }

  async getCat(name: string): Promise<{ name: string; tricks: string[]; version: number }> {
    const cat = await this.repository.get<Cat>(Cat.createId(name));
    return { name: cat.name, tricks: cat.tricks, version: cat.version };
  }
}
