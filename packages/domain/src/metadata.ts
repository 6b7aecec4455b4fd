/**
 * `Symbol.metadata` for runtimes that lack it (Node 20). Decorators record the events they
 * declare in the class's decorator metadata; compilers that lower decorators only attach that
 * metadata when the symbol exists, so it must exist before any aggregate class is defined.
 * `Symbol.for("Symbol.metadata")` is the fallback esbuild and TypeScript helpers agree on.
 */
import type { AggregateEvent } from "./domain-event.js";
import type { ParameterSpec } from "./parameters.js";

const symbols = Symbol as { metadata?: symbol };
symbols.metadata ??= Symbol.for("Symbol.metadata");

export const METADATA: symbol = symbols.metadata;

/** Key of the decorator metadata entry listing the events a class's `@event` methods declare. */
export const DECLARED_EVENTS: unique symbol = Symbol.for("@es/domain.declaredEvents");

/** An event declared by `@event` on a method of an aggregate class. */
export interface DeclaredEvent {
  /** The event class's name: from a string, a method name, or the given class. */
  readonly name: string;
  readonly eventClass: typeof AggregateEvent;
  readonly methodName: string;
  /** Whether the class was given (`@event(EventClass)`) rather than generated. */
  readonly given: boolean;
  /** The decorated method's parameters: the event's attributes. */
  readonly params: ParameterSpec;
}
