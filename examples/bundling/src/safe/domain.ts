/**
 * The domain model in the forms that survive every build: the class's topic is a string
 * (`@aggregate("Dog")`), event names are strings, and attribute names are the keys of one
 * destructured object parameter, which bundlers and minifiers keep.
 */
import { Aggregate, aggregate, event, NAMESPACE_URL, uuid5 } from "@es/domain";

@aggregate("Dog")
export class Dog extends Aggregate {
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
