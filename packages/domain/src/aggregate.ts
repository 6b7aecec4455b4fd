/**
 * The `Aggregate` base class: an entity whose state is the fold of its domain events.
 *
 * New aggregates are made by `World.create(...)` (declarative: the created event's attributes
 * are the constructor's parameters) or `World._create(EventClass, { id, ...attributes })`
 * (explicit). Either way a created event is made first and the aggregate is constructed from it,
 * exactly as it will be when it is reconstructed from stored events; `new World()` alone is
 * refused, since it would make an aggregate that has no event.
 */
import { inspect, isDeepStrictEqual } from "node:util";
import { aggregateClassInfo, defineAggregateRoot } from "./aggregate-class.js";
import {
  type AggregateInit,
  aggregateConstructorParameters,
  SUPPLIED_TO_CONSTRUCTORS,
  takeAggregateInit,
} from "./construct.js";
import {
  AggregateCreated,
  AggregateEvent,
  createTimestamp,
  type DomainEventInit,
  type EventAttributes,
  eventClassName,
} from "./domain-event.js";
import { messageOf, quoted } from "./errors.js";
import { extended } from "./extended.js";
import {
  argumentsFrom,
  attributeMismatch,
  bindArguments,
  functionParameters,
  NONE,
} from "./parameters.js";
import { getTopic, REGISTER_NESTED, registerLibraryClass } from "./topics.js";
import { isUuid, uuid4 } from "./uuid.js";

/** An aggregate class, as the static factories see it. */
export type AggregateConstructor<A extends Aggregate = Aggregate> = abstract new (
  ...args: never[]
) => A;

/** The attributes `triggerEvent` needs for an event class; optional when it declares none. */
export type TriggerArguments<E> =
  object extends EventAttributes<E>
    ? [attributes?: EventAttributes<E>]
    : [attributes: EventAttributes<E>];

/**
 * Base class for event-sourced aggregates: their state is the fold of their events. Create one
 * with `create(...)`, change it with `@event` methods (or `triggerEvent`), and save it with an
 * application, which records its pending events.
 *
 * @example
 * ```ts
 * @aggregate("World")
 * class World extends Aggregate {
 *   history: string[] = [];
 *
 *   @event("SomethingHappened")
 *   makeItSo({ what }: { what: string }) {
 *     this.history.push(what);
 *   }
 * }
 *
 * const world = World.create();
 * world.makeItSo({ what: "dinosaurs" });
 * world.collectEvents(); // [World.Created, World.SomethingHappened]
 * ```
 */
export class Aggregate {
  /** The version of a new aggregate. Override per class (e.g. `static INITIAL_VERSION = 0`). */
  static INITIAL_VERSION = 1;
  /** The version of the class's snapshot state; raise it with each `upcastVnVm` added. */
  static classVersion?: number;
  /** Names the created event class to use when several are defined, or to generate one. */
  static createdEventName?: string;
  /**
   * The class's created event class: on `Aggregate`, the base `AggregateCreated`; on a
   * subclass, its own (generated `Created` unless it defines or names another), from the
   * moment the subclass is defined.
   */
  declare static Created: typeof AggregateCreated;
  /** The base aggregate event class. */
  static Event = AggregateEvent;

  declare private readonly _internals: Internals;

  constructor() {
    const init = takeAggregateInit();
    if (init === undefined) {
      const name = new.target.name;
      throw new TypeError(
        `${name} is event-sourced: create it with ${name}.create(...) so that its created event is recorded`,
      );
    }
    installInternals(this, init);
  }

  /** The aggregate's id: a UUID string. */
  get id(): string {
    return this._internals.id;
  }

  /** The version of the last event applied. */
  get version(): number {
    return this._internals.version;
  }
  set version(version: number) {
    this._internals.version = version;
  }

  /** When the aggregate was created: the timestamp of its created event. */
  get createdOn(): Date {
    return this._internals.createdOn;
  }

  /** When the aggregate was last modified: the timestamp of its last event. */
  get modifiedOn(): Date {
    return this._internals.modifiedOn;
  }
  set modifiedOn(timestamp: Date) {
    this._internals.modifiedOn = timestamp;
  }

  /** Events triggered since the aggregate was constructed or last collected. */
  get pendingEvents(): readonly AggregateEvent[] {
    return this._internals.pendingEvents;
  }

  /**
   * Returns and clears the pending events: all of them, or the first `count` (as a save does
   * once it has recorded those, leaving any triggered meanwhile for the next save).
   */
  collectEvents(count?: number): AggregateEvent[] {
    const pending = this._internals.pendingEvents;
    return pending.splice(0, count ?? pending.length);
  }

  /**
   * Triggers an event: constructs it as the aggregate's next version, applies it, and only if
   * that succeeds appends it to the pending events.
   *
   * @throws {@link EventAttributesError} if the attributes don't fit the method that applies it.
   */
  triggerEvent<E extends AggregateEvent>(
    eventClass: new (attributes: DomainEventInit & Readonly<Record<string, unknown>>) => E,
    ...[attributes]: TriggerArguments<E>
  ): void {
    aggregateClassInfo(this.constructor);
    const event = constructEvent(
      eventClass,
      extended(attributes as Record<string, unknown> | undefined, {
        originatorId: this._internals.id,
        originatorVersion: this._internals.version + 1,
        timestamp: createTimestamp(this._internals.modifiedOn),
      }),
    );
    event.mutate(this);
    this._internals.pendingEvents.push(event);
  }

  /**
   * Creates a new aggregate from the constructor's arguments: a created event is triggered
   * whose attributes are the constructor's parameters, and the aggregate is constructed from it.
   * The id is the `id` argument where the constructor takes one, else `createId(...)` where the
   * class defines it, else a random UUID.
   *
   * @throws TypeError if the arguments don't fit the constructor, or the class defines several
   *   created event classes without naming one (`static createdEventName`).
   * @throws {@link TopicError} if the class's name can't be trusted as its topic (minified code).
   */
  static create<T extends AggregateConstructor>(
    this: T,
    ...args: ConstructorParameters<T>
  ): InstanceType<T> {
    const cls = this as unknown as typeof Aggregate;
    const info = aggregateClassInfo(cls);
    if (info.createdEventClass === undefined) throw new TypeError(info.createdEventProblem);
    const spec = aggregateConstructorParameters(cls);
    const attributes = bindArguments(spec, args, `${cls.name}.create()`);
    let id = attributes.id;
    delete attributes.id;
    if (id === undefined && cls.createId !== Aggregate.createId) {
      const label = `${cls.name}.createId()`;
      const params = functionParameters(cls.createId, label);
      // As in the Python original, createId() is given the constructor arguments it names.
      const missing = params.names.filter(
        (name) => !params.optional.has(name) && attributes[name] === undefined,
      );
      if (missing.length > 0) {
        throw new TypeError(
          `${label} needs ${quoted(missing)}, which ${cls.name}.create() doesn't take or wasn't given`,
        );
      }
      id = cls.createId(...(argumentsFrom(params, attributes) as []));
    }
    return cls._create(info.createdEventClass, extended(attributes, { id })) as InstanceType<T>;
  }

  /** The id of a new aggregate; override (as a static method) to derive ids from attributes. */
  static createId(..._args: never[]): string {
    return uuid4();
  }

  /**
   * Creates a new aggregate by triggering a created event of the given class, with the given
   * id (a random UUID if omitted) and attributes.
   */
  static _create<T extends AggregateConstructor>(
    this: T,
    eventClass: new (
      attributes: DomainEventInit & Readonly<Record<string, unknown>>,
    ) => AggregateCreated,
    attributes: { readonly id?: unknown } & Readonly<Record<string, unknown>> = {},
  ): InstanceType<T> {
    const cls = this as unknown as typeof Aggregate;
    aggregateClassInfo(cls);
    const { id = uuid4(), ...rest } = attributes;
    if (!isUuid(id)) {
      throw new TypeError(`${cls.name} id must be a lower-case UUID string, got ${inspect(id)}`);
    }
    // Refused now, before an event exists, rather than when the event is replayed.
    const mismatch = attributeMismatch(
      aggregateConstructorParameters(cls),
      rest,
      NONE,
      SUPPLIED_TO_CONSTRUCTORS,
    );
    if (mismatch) {
      const problems = [
        mismatch.missing.length > 0 ? `is missing ${quoted(mismatch.missing)}` : "",
        mismatch.unexpected.length > 0 ? `has unexpected ${quoted(mismatch.unexpected)}` : "",
      ].filter((problem) => problem !== "");
      throw new TypeError(
        `${cls.name}._create(${eventClassName(eventClass)}): the ${cls.name} constructor takes the created event's attributes, and this one ${problems.join(" and ")}`,
      );
    }
    const event = constructEvent(
      eventClass,
      extended(rest, {
        originatorId: id,
        originatorVersion: cls.INITIAL_VERSION,
        timestamp: createTimestamp(),
        originatorTopic: getTopic(cls),
      }),
    );
    const aggregate = event.mutate(null);
    aggregate._internals.pendingEvents.push(event);
    return aggregate as InstanceType<T>;
  }

  /** Registers the class and its nested event classes under their topics. */
  static [REGISTER_NESTED](this: typeof Aggregate): void {
    aggregateClassInfo(this);
  }

  /** Same class, same id, version, timestamps and state (pending events aside). */
  equals(other: unknown): boolean {
    if (!(other instanceof Aggregate) || other.constructor !== this.constructor) return false;
    return (
      this.id === other.id &&
      this.version === other.version &&
      this.createdOn.getTime() === other.createdOn.getTime() &&
      this.modifiedOn.getTime() === other.modifiedOn.getTime() &&
      isDeepStrictEqual(stateOf(this), stateOf(other))
    );
  }

  /** `World(id='…', version=2, createdOn=…, modifiedOn=…, history=[ 'dinosaurs' ])` */
  toString(): string {
    const parts = [
      `id=${inspect(this.id)}`,
      `version=${this.version}`,
      `createdOn=${this.createdOn.toISOString()}`,
      `modifiedOn=${this.modifiedOn.toISOString()}`,
      ...Object.entries(stateOf(this)).map(
        ([key, value]) =>
          `${key.replace(/^_+/, "")}=${inspect(value, { breakLength: Number.POSITIVE_INFINITY })}`,
      ),
    ];
    return `${this.constructor.name}(${parts.join(", ")})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  static {
    defineAggregateRoot(this);
    // The library's own classes have fixed topics: their names are identifiers a minifier renames.
    registerLibraryClass("Aggregate", this);
    registerLibraryClass("Aggregate.Created", AggregateCreated);
    registerLibraryClass("Aggregate.Event", AggregateEvent);
  }
}

/** The property that holds an aggregate's internals (its state is its other, enumerable, ones). */
export const INTERNALS_KEY = "_internals";

/** What an aggregate is beyond its state: its id, version, timestamps and pending events. */
interface Internals {
  readonly id: string;
  version: number;
  readonly createdOn: Date;
  modifiedOn: Date;
  readonly pendingEvents: AggregateEvent[];
}

/** The aggregate's own state: its enumerable fields (the internals are not enumerable). */
export function stateOf(aggregate: Aggregate): Record<string, unknown> {
  return { ...aggregate };
}

/** Makes an aggregate object without running its constructor (used to restore snapshots). */
export function restoreAggregate<A extends Aggregate>(
  cls: AggregateConstructor<A>,
  init: AggregateInit & { readonly createdOn: Date },
  state: Readonly<Record<string, unknown>>,
): A {
  const aggregate = Object.create(cls.prototype) as A;
  installInternals(aggregate, init, init.createdOn);
  Object.assign(aggregate, state);
  return aggregate;
}

function installInternals(
  aggregate: Aggregate,
  init: AggregateInit,
  createdOn = init.timestamp,
): void {
  const internals: Internals = {
    id: init.id,
    version: init.version,
    createdOn,
    modifiedOn: init.timestamp,
    pendingEvents: [],
  };
  // Not enumerable, so not the aggregate's state; one property, as each definition costs about
  // 0.1 µs, and every get of an aggregate makes one.
  Object.defineProperty(aggregate, INTERNALS_KEY, {
    value: internals,
    writable: false,
    enumerable: false,
    configurable: false,
  });
}

function constructEvent<E>(
  eventClass: new (attributes: DomainEventInit & Readonly<Record<string, unknown>>) => E,
  attributes: DomainEventInit & Readonly<Record<string, unknown>>,
): E {
  try {
    return new eventClass(attributes);
  } catch (error) {
    const hint =
      error instanceof TypeError && /not extensible|read.only|redefine/.test(error.message)
        ? " (declare event attributes with `declare`, not as initialised class fields)"
        : "";
    throw new TypeError(
      `Can't construct event ${eventClassName(eventClass)}: ${messageOf(error)}${hint}`,
      { cause: error },
    );
  }
}
