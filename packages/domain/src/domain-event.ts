/**
 * Domain events: immutable records of decisions, identified by the id of the aggregate that
 * made them (`originatorId`) and their position in its sequence (`originatorVersion`).
 *
 * Event classes declare their attributes with `declare` (`declare readonly what: string`):
 * the base constructor assigns the attributes and freezes the object, and a field declared
 * without `declare` would be re-initialised after that, which a frozen object refuses.
 */
import type { Aggregate } from "./aggregate.js";
import { constructAggregate } from "./construct.js";
import { EventSourcingError, nameErrorClass, VersionError } from "./errors.js";
import { registeredTopic, resolveTopic } from "./topics.js";
import type { Callable } from "./types.js";

/** The attributes every domain event has. */
export interface DomainEventInit {
  /** The id of the aggregate (or other originator) whose sequence the event is in. */
  readonly originatorId: string;
  /** The event's position in its originator's sequence. */
  readonly originatorVersion: number;
  /** When the event happened (UTC); never earlier than the event before it. */
  readonly timestamp: Date;
}

/** The state an event changes: what `mutate` reads and advances. */
export interface MutableAggregate {
  /** The aggregate's id, which the event's originator id must equal. */
  readonly id: string;
  /** The version of the last event applied; an event applies only as the next one. */
  version: number;
  /** The timestamp of the last event applied. */
  modifiedOn: Date;
}

/** The attributes every event has (and a created event's aggregate topic): not its own. */
export const BASE_KEYS: ReadonlySet<string> = new Set([
  "originatorId",
  "originatorVersion",
  "timestamp",
  "originatorTopic",
]);

/**
 * Base class of domain events: a frozen value object. Subclasses declare their attributes with
 * `declare` (a field with an initialiser would be reset after the base constructor ran).
 *
 * @example
 * ```ts
 * class Renamed extends AggregateEvent {
 *   declare readonly name: string;
 * }
 * ```
 */
export class DomainEvent implements DomainEventInit {
  /** The id of the aggregate (or other originator) whose sequence the event is in. */
  declare readonly originatorId: string;
  /** The event's position in its originator's sequence. */
  declare readonly originatorVersion: number;
  /** When the event happened (UTC); never earlier than the event before it. */
  declare readonly timestamp: Date;

  /**
   * @throws TypeError naming the class and the key, if an attribute is named `__proto__` or
   *   names something the event inherits (`constructor`, `mutate`, `apply`…).
   */
  constructor(attributes: DomainEventInit & Readonly<Record<string, unknown>>) {
    // Assigning an own "__proto__" key (as JSON.parse makes it) would swap the event's
    // prototype, and an inherited name would shadow the machinery: either changes what the
    // event is rather than what it says, and fails far from here. Nothing is own yet, so `in`
    // sees only what is inherited.
    for (const key of Object.keys(attributes)) {
      if (key === "__proto__" || key in this) {
        throw new TypeError(
          `${new.target.name} can't take the attribute '${key}': it belongs to the event machinery, not to an attribute`,
        );
      }
    }
    Object.assign(this, attributes);
    Object.freeze(this);
  }
}

/** An event's own attributes: all but its originator id, version, timestamp and topic. */
export function attributesOf(event: DomainEvent): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (!BASE_KEYS.has(key)) attrs[key] = value;
  }
  return attrs;
}

/** An event in an aggregate's sequence after the first. */
export class AggregateEvent extends DomainEvent {
  /**
   * Evolves the aggregate: calls `apply()` first and only then advances the version and
   * modification time, so an `apply()` that throws leaves the aggregate as it was.
   *
   * @throws {@link OriginatorIdError} if the event names another aggregate.
   * @throws {@link VersionError} if the event is not the aggregate's next one.
   */
  mutate(aggregate?: null): Aggregate | null | undefined;
  mutate<A extends MutableAggregate>(aggregate: A | null | undefined): A | null | undefined;
  mutate<A extends MutableAggregate>(aggregate?: A | null): A | null | undefined {
    if (aggregate == null) {
      throw new TypeError(`${eventName(this)} needs an aggregate to mutate, got ${aggregate}`);
    }
    if (this.originatorId !== aggregate.id) {
      throw new OriginatorIdError(
        `${eventName(this)} has originator id ${this.originatorId} but the aggregate's id is ${aggregate.id}`,
      );
    }
    const next = aggregate.version + 1;
    if (this.originatorVersion !== next) {
      throw new VersionError(
        `${eventName(this)} has originator version ${this.originatorVersion} but the next version of aggregate ${aggregate.id} is ${next}`,
      );
    }
    const returned = this.apply(aggregate);
    if (returned !== undefined) {
      throw new TypeError(
        `Unexpected value returned from ${eventName(this)}.apply(). Values returned from 'apply' methods are discarded.`,
      );
    }
    aggregate.version = next;
    aggregate.modifiedOn = this.timestamp;
    return aggregate;
  }

  /**
   * Applies the event to the aggregate's state: override it, or let `@event` supply it (the
   * decorated method's body). The base changes nothing.
   */
  apply(_aggregate: object): unknown {
    return undefined;
  }
}

/** The first event of an aggregate: it constructs the aggregate object. */
export class AggregateCreated extends AggregateEvent {
  /** The topic of the aggregate class to construct. */
  declare readonly originatorTopic: string;

  override mutate(aggregate?: null): Aggregate;
  override mutate<A extends MutableAggregate>(aggregate: A | null | undefined): A;
  override mutate<A extends MutableAggregate>(aggregate?: A | null): A {
    if (aggregate != null) {
      throw new TypeError(
        `${eventName(this)} creates an aggregate; it can't mutate an existing one`,
      );
    }
    const cls = resolveTopic<new () => A>(this.originatorTopic);
    return constructAggregate(
      cls,
      { id: this.originatorId, version: this.originatorVersion, timestamp: this.timestamp },
      attributesOf(this),
      this.constructor,
    );
  }
}

/** An event names an aggregate other than the one it is applied to. */
export class OriginatorIdError extends EventSourcingError {}
nameErrorClass(OriginatorIdError, "OriginatorIdError");

/** Constructor of an event class, typed by the attributes its instances declare. */
export type EventClass<E extends DomainEvent = DomainEvent> = new (
  attributes: DomainEventInit & Readonly<Record<string, unknown>>,
) => E;

/** The attributes an event class adds to those every event has, read off its declared fields. */
export type EventAttributes<E> = {
  [K in keyof E as K extends keyof AggregateCreated
    ? never
    : E[K] extends (...args: never[]) => unknown
      ? never
      : K]: E[K];
};

/** A readable name for an event's class: `World.SomethingHappened` once its topic is known. */
export function eventName(event: object): string {
  return eventClassName(event.constructor);
}

/**
 * Its topic where it has one (the stable name; a nested event class's is `Owner.Name`, given
 * when its aggregate class is first used), else its name.
 */
export function eventClassName(cls: Callable): string {
  return registeredTopic(cls) ?? cls.name;
}

/** A new event timestamp: now, but never earlier than the previous event of the aggregate. */
export function createTimestamp(previous?: Date): Date {
  return new Date(Math.max(Date.now(), previous?.getTime() ?? 0));
}
