/**
 * A consumer's system, in a module of its own so that a MultiProcessRunner's workers can load
 * it: the Kennel registers puppies, and the Greeter, in a worker process, greets each.
 */
import { Application } from "@es/application";
import { Aggregate, aggregate, type DomainEvent } from "@es/domain";
import { Follower, type ProcessEvent, System } from "@es/system";

@aggregate("Puppy")
export class Puppy extends Aggregate {
  name: string;

  constructor({ name }: { name: string }) {
    super();
    this.name = name;
  }
}

@aggregate("Greeting")
export class Greeting extends Aggregate {
  puppy: string;
  greeterPid: number;

  constructor({ puppy, greeterPid }: { puppy: string; greeterPid: number }) {
    super();
    this.puppy = puppy;
    this.greeterPid = greeterPid;
  }
}

export class Kennel extends Application {
  static override applicationName = "Kennel";

  async register(name: string): Promise<void> {
    await this.save(Puppy.create({ name }));
  }
}

export class Greeter extends Follower {
  static override applicationName = "Greeter";

  policy(domainEvent: DomainEvent, processEvent: ProcessEvent): void {
    if (!(domainEvent instanceof Puppy.Created)) return;
    const { name } = domainEvent as unknown as { name: string };
    processEvent.collectEvents(Greeting.create({ puppy: name, greeterPid: process.pid }));
  }
}

export const system = new System([[Kennel, Greeter]]);
