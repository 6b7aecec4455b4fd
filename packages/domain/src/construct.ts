/**
 * How an aggregate object comes into being from its created event.
 *
 * The created event runs the aggregate's real constructor once, so field initialisers and
 * constructor bodies behave as in any class. The base `Aggregate` constructor takes no
 * arguments; it picks up its id, version and timestamps from the slot set here, which is how
 * `new` is reserved for reconstruction (a bare `new World()` has no slot and is refused). The
 * slot is global (keyed by `Symbol.for`), so that an event class of one copy of this package
 * can construct an aggregate class of another.
 */
import { EventAttributesError } from "./errors.js";
import { extended } from "./extended.js";
import {
  argumentsFrom,
  attributeMismatch,
  constructorParameters,
  NONE,
  type ParameterSpec,
} from "./parameters.js";
import { getTopic } from "./topics.js";
import type { Callable } from "./types.js";

export interface AggregateInit {
  readonly id: string;
  readonly version: number;
  readonly timestamp: Date;
}

const SLOT = Symbol.for("@es/domain.aggregateInit");
const global = globalThis as { [SLOT]?: { init: AggregateInit | undefined } };
global[SLOT] ??= { init: undefined };
const slot = global[SLOT];

/** Called by the `Aggregate` constructor: the init of the construction under way, if any. */
export function takeAggregateInit(): AggregateInit | undefined {
  const init = slot.init;
  slot.init = undefined;
  return init;
}

/**
 * The constructor's parameters, as the created event's attributes name them: those of the
 * nearest class that declares a constructor. The lookup needs no stop: the base `Aggregate`
 * declares one, which takes none.
 */
export function aggregateConstructorParameters(cls: Callable): ParameterSpec {
  return constructorParameters(cls);
}

/** The aggregate's id is given to a constructor that takes `id`, never recorded as an attribute. */
export const SUPPLIED_TO_CONSTRUCTORS: ReadonlySet<string> = new Set(["id"]);

/**
 * Runs `cls`'s constructor with arguments taken from the created event's attributes, which
 * must fit its signature exactly (the error names the created event's class if not).
 */
export function constructAggregate<T>(
  cls: new (...args: never[]) => T,
  init: AggregateInit,
  attributes: Readonly<Record<string, unknown>>,
  eventClass: Callable,
): T {
  const spec = aggregateConstructorParameters(cls);
  const mismatch = attributeMismatch(spec, attributes, NONE, SUPPLIED_TO_CONSTRUCTORS);
  if (mismatch) {
    throw new EventAttributesError(
      getTopic(eventClass),
      init.id,
      init.version,
      mismatch.missing,
      mismatch.unexpected,
      `the ${cls.name} constructor`,
    );
  }
  const args = argumentsFrom(spec, extended(attributes, { id: init.id }));
  slot.init = init;
  try {
    return Reflect.construct(cls, args);
  } finally {
    slot.init = undefined;
  }
}
