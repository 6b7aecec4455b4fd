/**
 * How an aggregate object comes into being from its created event.
 *
 * The created event runs the aggregate's real constructor once, so field initialisers and
 * constructor bodies behave as in any class. The base `Aggregate` constructor takes no
 * arguments; it picks up its id, version and timestamps from the slot set here, which is how
 * `new` is reserved for reconstruction (a bare `new World()` has no slot and is refused).
 */
import { argumentsFrom, constructorParameters } from "./parameters.js";
import type { Callable } from "./types.js";

export interface AggregateInit {
  readonly id: string;
  readonly version: number;
  readonly timestamp: Date;
}

let slot: AggregateInit | undefined;

/** Called by the `Aggregate` constructor: the init of the construction under way, if any. */
export function takeAggregateInit(): AggregateInit | undefined {
  const init = slot;
  slot = undefined;
  return init;
}

/** The base class at which constructor-signature lookups stop; set by the aggregate module. */
let aggregateBase: Callable = Object;
export function setAggregateBase(base: Callable): void {
  aggregateBase = base;
}

/** The constructor's parameters, as the created event's attributes name them. */
export function aggregateConstructorParameters(cls: Callable) {
  return constructorParameters(cls, aggregateBase);
}

/** Runs `cls`'s constructor with arguments taken from the created event's attributes. */
export function constructAggregate<T>(
  cls: new (...args: never[]) => T,
  init: AggregateInit,
  attributes: Readonly<Record<string, unknown>>,
): T {
  const spec = aggregateConstructorParameters(cls);
  const args = argumentsFrom(spec, { ...attributes, id: init.id });
  slot = init;
  try {
    return new (cls as unknown as new (...args: unknown[]) => T)(...args);
  } finally {
    slot = undefined;
  }
}
