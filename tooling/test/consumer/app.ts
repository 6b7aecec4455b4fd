/**
 * A consumer's application, compiled with plain tsc (strict, NodeNext) against the packed
 * packages: `node app.js <name> [trick…]` adds the tricks to the dog and prints it, with the
 * store it ran on.
 */
import { AggregateNotFoundError, Application } from "@es/application";
import { Aggregate, aggregate, event, NAMESPACE_URL, uuid5 } from "@es/domain";

@aggregate("Dog")
class Dog extends Aggregate {
  name: string;
  tricks: string[] = [];

  constructor({ name }: { name: string }) {
    super();
    this.name = name;
  }

  static override createId({ name }: { name: string }): string {
    return uuid5(NAMESPACE_URL, `/dogs/${name}`);
  }

  @event("TrickAdded")
  addTrick({ trick }: { trick: string }): void {
    this.tricks.push(trick);
  }
}

class DogSchool extends Application {
  static override applicationName = "DogSchool";
}

const [name = "Fido", ...tricks] = process.argv.slice(2);
const app = new DogSchool();
const dog = await app.repository.get<Dog>(Dog.createId({ name })).catch((error: unknown) => {
  if (error instanceof AggregateNotFoundError) return Dog.create({ name });
  throw error;
});
for (const trick of tricks) dog.addTrick({ trick });
await app.save(dog);
console.log(
  JSON.stringify({
    store: process.env.INFRASTRUCTURE_FACTORY ?? "in-memory",
    name: dog.name,
    tricks: dog.tricks,
    version: dog.version,
  }),
);
await app.close();
