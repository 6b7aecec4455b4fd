/**
 * The same model in the forms that only unbundled code can trust: the topic and the table
 * names come from class names, and attribute names from positional parameter names, all of
 * which minifiers rename; and because main.ts has a top-level `name`, bundlers rename the
 * `name` parameters below (`name2`). The library must refuse these forms where they were
 * renamed, before anything is stored, or fail on the first read of what another build stored.
 */
import { Aggregate, aggregate, event, NAMESPACE_URL, uuid5 } from "@es/domain";

@aggregate
export class Cat extends Aggregate {
  tricks: string[] = [];

  constructor(public name: string) {
    super();
  }

  static override createId(name: string): string {
    return uuid5(NAMESPACE_URL, `/cats/${name}`);
  }

  @event("TrickAdded")
  addTrick(trick: string): void {
    this.tricks.push(trick);
  }
}
