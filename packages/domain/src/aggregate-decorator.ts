/**
 * The `@aggregate` class decorator: registers an aggregate class (its topic, its created event
 * class and the events its `@event` methods declare) when the class is defined rather than on
 * first use. A process that only reads stored events then resolves their topics without having
 * created an aggregate first, and mistakes such as two events of one name fail at once.
 *
 * The Python original's `@aggregate` also turns a plain class into an aggregate; a TypeScript
 * decorator cannot change a class's base class, so here the class must extend `Aggregate`.
 */
import { Aggregate } from "./aggregate.js";
import { getTopic, registerTopic } from "./topics.js";
import type { Callable } from "./types.js";

/** Options of the `@aggregate` class decorator. */
export interface AggregateOptions {
  /** The topic to register the class under (default: the class name). */
  readonly topic?: string;
  /** The name of the created event class (as `static createdEventName`). */
  readonly createdEventName?: string;
}

type AggregateClass = abstract new (...args: never[]) => Aggregate;
type ClassDecorator = <C extends AggregateClass>(
  value: C,
  context: ClassDecoratorContext<C>,
) => void;

/**
 * Registers an aggregate class when it is defined: `@aggregate`, `@aggregate("topic")` or
 * `@aggregate({ topic, createdEventName })`. A topic given as a string survives minification,
 * which renames classes.
 *
 * @example
 * ```ts
 * @aggregate("Dog")
 * class Dog extends Aggregate {
 *   tricks: string[] = [];
 *
 *   @event("TrickAdded")
 *   addTrick({ trick }: { trick: string }) {
 *     this.tricks.push(trick);
 *   }
 * }
 * ```
 * @throws TypeError if the class does not extend `Aggregate`.
 * @throws {@link TopicError} if the topic is already another class's.
 */
export function aggregate<C extends AggregateClass>(
  value: C,
  context: ClassDecoratorContext<C>,
): void;
export function aggregate(options?: string | AggregateOptions): ClassDecorator;
export function aggregate(first?: unknown, second?: unknown): unknown {
  if (typeof first === "function" && isClassContext(second)) {
    register(first, second, {});
    return undefined;
  }
  const options: AggregateOptions =
    typeof first === "string" ? { topic: first } : ((first ?? {}) as AggregateOptions);
  if (typeof options !== "object" || options === null) {
    throw new TypeError("@aggregate takes a topic string or { topic, createdEventName }");
  }
  return (value: unknown, context: unknown) => {
    if (typeof value !== "function" || !isClassContext(context)) {
      throw new TypeError("@aggregate decorates classes");
    }
    register(value, context, options);
  };
}

function register(cls: Callable, context: ClassDecoratorContext, options: AggregateOptions): void {
  if (!(cls.prototype instanceof Aggregate)) {
    throw new TypeError(
      `@aggregate needs ${cls.name} to extend Aggregate: a decorator can't change a class's base class`,
    );
  }
  // Initializers of class decorators run once static fields are defined.
  context.addInitializer(function (this: unknown) {
    if (options.createdEventName !== undefined) {
      Object.defineProperty(cls, "createdEventName", { value: options.createdEventName });
    }
    if (options.topic !== undefined) registerTopic(options.topic, cls);
    else getTopic(cls);
  });
}

function isClassContext(value: unknown): value is ClassDecoratorContext {
  return (
    typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "class"
  );
}
