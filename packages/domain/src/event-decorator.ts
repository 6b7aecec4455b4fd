/**
 * The `@event` decorator: a command method becomes "trigger an event, then apply it". The
 * method's declared parameters name the event's attributes (strictly: a call without a
 * required argument, or a recorded event that doesn't fit, is refused), and its body becomes
 * the event's `apply()`, run when the event is triggered and again whenever the aggregate is
 * reconstructed from stored events.
 *
 * Forms: bare `@event` (class name from the method name: `nameUpdated` → `NameUpdated`),
 * `@event("Name")`, and `@event(EventClass)` with a class declared beforehand. Decoration
 * happens while the aggregate class is being defined, before the class exists, so the event
 * class is recorded in the decorator metadata and attached to the aggregate class (as
 * `World.SomethingHappened`) when the class is first used, or its name first read.
 */
import { Aggregate } from "./aggregate.js";
import { declareLazyStatic } from "./aggregate-class.js";
import { AggregateEvent, BASE_KEYS, eventClassName } from "./domain-event.js";
import { EventAttributesError, messageOf } from "./errors.js";
import { DECLARED_EVENTS, type DeclaredEvent } from "./metadata.js";
import {
  argumentsFrom,
  attributeMismatch,
  bindArguments,
  functionParameters,
  ParameterError,
  type ParameterSpec,
} from "./parameters.js";
import { getTopic } from "./topics.js";
import type { Callable } from "./types.js";

interface Triggering {
  triggerEvent(eventClass: typeof AggregateEvent, attributes: Record<string, unknown>): void;
}

type Method<This, Args extends unknown[]> = (this: This, ...args: Args) => void;
type MethodContext<This, Args extends unknown[]> =
  | ClassMethodDecoratorContext<This, Method<This, Args>>
  | ClassSetterDecoratorContext<This, Args[0]>;

/** A decorator produced by `event(name)` or `event(EventClass)`. */
export type EventDecorator = <This, Args extends unknown[]>(
  method: Method<This, Args>,
  context: MethodContext<This, Args>,
) => Method<This, Args>;

const usedEventClasses = new WeakSet<Callable>();

/**
 * Declares that calling the decorated command method triggers an event, whose attributes are
 * the method's parameters and whose `apply()` is the method's body (run when the event is
 * triggered, and again whenever the aggregate is reconstructed). The event class is reachable
 * as a static member of the aggregate class (`World.SomethingHappened`).
 *
 * @example
 * ```ts
 * class World extends Aggregate {
 *   history: string[] = [];
 *
 *   @event("SomethingHappened") // or bare @event (named from the method), or @event(EventClass)
 *   makeItSo({ what }: { what: string }) {
 *     this.history.push(what);
 *   }
 * }
 * ```
 * @throws TypeError when the class is defined, if the decorated member is not an instance
 *   method (or a named setter), its parameter names can't be read, or two methods trigger one
 *   event class.
 */
export function event<This, Args extends unknown[]>(
  method: Method<This, Args>,
  context: ClassMethodDecoratorContext<This, Method<This, Args>>,
): Method<This, Args>;
export function event(nameOrClass?: string | typeof AggregateEvent): EventDecorator;
export function event(first?: unknown, second?: unknown): unknown {
  if (typeof first === "function" && isContext(second)) {
    return decorate(first as Method<unknown, unknown[]>, second, {});
  }
  if (second !== undefined) {
    throw new TypeError("Unsupported usage of @event: expected a decorated method");
  }
  if (first !== undefined && typeof first !== "string" && !isEventClass(first)) {
    throw new TypeError(
      `Unsupported usage: ${describe(first)} is not a string or an aggregate event class`,
    );
  }
  if (first === "") throw new RangeError("Can't use empty string as name of event class");
  const spec: DecoratorSpec =
    first === undefined
      ? {}
      : typeof first === "string"
        ? { name: first }
        : { eventClass: first as typeof AggregateEvent };
  return (method: unknown, context: unknown) => {
    if (typeof method !== "function" || !isContext(context)) {
      throw new TypeError(
        `Unsupported usage: ${describe(method)} is not a method of an aggregate class`,
      );
    }
    return decorate(method as Method<unknown, unknown[]>, context, spec);
  };
}

/** Alias of {@link event}, the Python original's other name for it. */
export const triggers = event;

interface DecoratorSpec {
  readonly name?: string;
  readonly eventClass?: typeof AggregateEvent;
}

interface DecoratorContext {
  readonly kind: string;
  readonly name: string | symbol;
  readonly static: boolean;
  readonly metadata: DecoratorMetadataObject | undefined;
}

function decorate(
  method: Method<unknown, unknown[]>,
  context: DecoratorContext,
  spec: DecoratorSpec,
): Method<unknown, unknown[]> {
  const methodName = String(context.name);
  const label = `${methodName}()`;
  if (context.kind === "getter") {
    throw new TypeError(`@event can't decorate ${label} property getter`);
  }
  if (context.kind === "setter" && spec.name === undefined && spec.eventClass === undefined) {
    throw new TypeError(`@event on ${label} property setter requires event class name`);
  }
  if (context.kind !== "method" && context.kind !== "setter") {
    throw new TypeError(`@event can't decorate ${context.kind} ${label}`);
  }
  if (context.static) {
    throw new TypeError(`${label} static method can't be used to update aggregate state`);
  }
  let params: ParameterSpec;
  try {
    params = functionParameters(method, label);
  } catch (error) {
    const reason = error instanceof ParameterError ? error.reason : messageOf(error);
    throw new TypeError(`@event can't determine the event attributes of ${label}: ${reason}`, {
      cause: error,
    });
  }

  const metadata = context.metadata;
  if (metadata === undefined) {
    throw new TypeError(
      "@event needs decorator metadata (Symbol.metadata); import @es/domain first",
    );
  }
  if (!Object.hasOwn(metadata, DECLARED_EVENTS)) {
    (metadata as Record<symbol, unknown>)[DECLARED_EVENTS] = [];
  }
  const declared = (metadata as Record<symbol, DeclaredEvent[]>)[DECLARED_EVENTS] ?? [];

  // The method's body is the event's apply(): run when the event is triggered and on replay.
  function apply(this: AggregateEvent, aggregate: object): void {
    const mismatch = attributeMismatch(params, this, BASE_KEYS);
    if (mismatch) {
      throw new EventAttributesError(
        getTopic(this.constructor),
        this.originatorId,
        this.originatorVersion,
        mismatch.missing,
        mismatch.unexpected,
        `${ownerName(this)}${methodName}()`,
      );
    }
    const returned: unknown = method.call(aggregate, ...argumentsFrom(params, this));
    if (returned !== undefined) {
      throw new TypeError(
        `Unexpected value returned from ${ownerName(this)}${methodName}(). Values returned from 'apply' methods are discarded.`,
      );
    }
  }

  const given = spec.eventClass !== undefined;
  const eventClass = spec.eventClass
    ? adoptEventClass(spec.eventClass)
    : generateEventClass(spec.name ?? pascalCase(methodName));
  Object.defineProperty(eventClass.prototype, "apply", {
    value: apply,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  const name = eventClass.name;
  // The class doesn't exist yet while its methods are decorated, so a second method declaring
  // the name is refused when the class does (registered, or first used), naming it.
  declared.push({ name, eventClass, methodName, given, params });
  if (!given) declareLazyStatic(Aggregate, name);

  const triggering = function (this: unknown, ...args: unknown[]): void {
    if (typeof (this as Partial<Triggering> | null)?.triggerEvent !== "function") {
      throw new TypeError(`${label} is decorated with @event but was not called on an aggregate`);
    }
    (this as Triggering).triggerEvent(eventClass, bindArguments(params, args, label));
  };
  Object.defineProperty(triggering, "name", { value: methodName });
  return triggering;
}

function adoptEventClass(eventClass: typeof AggregateEvent): typeof AggregateEvent {
  if (usedEventClasses.has(eventClass)) {
    throw new TypeError(`${eventClass.name} event class used in more than one decorator`);
  }
  if (Object.hasOwn(eventClass.prototype, "apply")) {
    throw new TypeError(`${eventClass.name} event class has unexpected apply() method`);
  }
  usedEventClasses.add(eventClass);
  return eventClass;
}

function generateEventClass(name: string): typeof AggregateEvent {
  const generated = class extends AggregateEvent {};
  Object.defineProperty(generated, "name", { value: name });
  usedEventClasses.add(generated);
  return generated;
}

function ownerName(triggered: AggregateEvent): string {
  const full = eventClassName(triggered.constructor);
  const dot = full.lastIndexOf(".");
  return dot < 0 ? "" : `${full.slice(0, dot)}.`;
}

/** `name_updated`, `nameUpdated` and `_nameUpdated` all give `NameUpdated`. */
export function pascalCase(methodName: string): string {
  return methodName
    .split(/[_#]+/)
    .filter((part) => part !== "")
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join("");
}

function isContext(value: unknown): value is DecoratorContext {
  return typeof value === "object" && value !== null && "kind" in value && "name" in value;
}

function isEventClass(value: unknown): value is typeof AggregateEvent {
  return typeof value === "function" && value.prototype instanceof AggregateEvent;
}

function describe(value: unknown): string {
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  return value === null ? "null" : typeof value;
}
