/**
 * A system with a cycle: Pings follows Pongs, and Pongs follows Pings. Each returns the ball
 * it receives, one hit more, until the rally is `RALLY` hits long.
 */
import { Aggregate, aggregate, type DomainEvent } from "@es/domain";
import { ProcessApplication, type ProcessEvent, System } from "../src/index.js";

export const RALLY = 6;

@aggregate("Ball")
export class Ball extends Aggregate {
  hits: number;

  constructor({ hits }: { hits: number }) {
    super();
    this.hits = hits;
  }
}

/** Returns each ball the other side hit, until the rally is long enough. */
abstract class Side extends ProcessApplication {
  policy(domainEvent: DomainEvent, processEvent: ProcessEvent): void {
    if (!(domainEvent instanceof Ball.Created)) return;
    const { hits } = domainEvent as unknown as { hits: number };
    if (hits < RALLY) processEvent.collectEvents(Ball.create({ hits: hits + 1 }));
  }

  /** Starts a rally. */
  async serve(): Promise<void> {
    await this.save(Ball.create({ hits: 1 }));
  }
}

export class Pings extends Side {
  static override applicationName = "Pings";
}

export class Pongs extends Side {
  static override applicationName = "Pongs";
}

export const system = new System([[Pings, Pongs, Pings]]);
