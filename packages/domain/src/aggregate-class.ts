/**
 * What the library works out about an aggregate class: which created event class it uses,
 * which event classes its `@event` methods declared (attached as static members), and the
 * topics of the class and its nested event classes.
 *
 * JavaScript gives a base class no hook when a subclass is defined, so this happens on the
 * class's first use (or at definition, with `@aggregate`). Reading a generated event class
 * (`World.Created`, `World.SomethingHappened`) counts as a use: the base class holds an
 * accessor for each such name, so the subclass's own class is there from the start, never the
 * base's in its place.
 */
import { aggregateConstructorParameters } from "./construct.js";
import { AggregateCreated, DomainEvent } from "./domain-event.js";
import { quoted } from "./errors.js";
import { looksMangledParameters } from "./identifiers.js";
import { DECLARED_EVENTS, type DeclaredEvent, METADATA } from "./metadata.js";
import {
  functionParameters,
  objectFormAdvice,
  ParameterError,
  type ParameterSpec,
} from "./parameters.js";
import {
  derivedClassName,
  onRegistrationUndone,
  registerClass,
  registeredTopic,
  registeringAtomically,
} from "./topics.js";
import type { Callable } from "./types.js";

export interface AggregateClassInfo {
  /** The created event class that `create()` uses, if one could be chosen. */
  readonly createdEventClass: typeof AggregateCreated | undefined;
  /** Why none could be chosen. */
  readonly createdEventProblem: string | undefined;
}

interface AggregateStatics {
  readonly name: string;
  readonly createdEventName?: string | undefined;
  readonly createId?: Callable;
}

const infos = new WeakMap<Callable, AggregateClassInfo>();
/** The event classes generated for or attached to each class, by static member name. */
const members = new WeakMap<Callable, Map<string, Callable | undefined>>();

/**
 * Makes `root` (the `Aggregate` class, as it is defined) the class at which lookups of
 * inherited information stop: its created event class is `AggregateCreated`, also read through
 * an accessor, so that `World.Created` is World's own.
 */
export function defineAggregateRoot(root: Callable): void {
  infos.set(root, { createdEventClass: AggregateCreated, createdEventProblem: undefined });
  defineMember(root, "Created", AggregateCreated);
}

/**
 * Makes `Subclass[name]` resolve to the subclass's own member (`@event` declares `name` on
 * some aggregate class), working out the subclass's events first if that is still to do.
 */
export function declareLazyStatic(root: Callable, name: string): void {
  if (!(name in root)) defineMember(root, name, undefined);
}

/**
 * Defines a generated or attached event class as a static member. It is an accessor rather
 * than a value so that a subclass reading the name gets its own class (made on the spot if
 * the subclass was not used before), as it would if JavaScript let a class run code when a
 * subclass is defined.
 */
function defineMember(cls: Callable, name: string, value: Callable | undefined): void {
  const own = members.get(cls) ?? new Map<string, Callable | undefined>();
  members.set(cls, own);
  own.set(name, value);
  Object.defineProperty(cls, name, {
    configurable: true,
    enumerable: false,
    get(this: Callable) {
      return this === cls ? value : memberOf(this, name);
    },
    // Compilers that assign static fields (rather than define them) land here.
    set(this: Callable, replacement: unknown) {
      Object.defineProperty(this, name, {
        value: replacement,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    },
  });
}

function memberOf(cls: Callable, name: string): unknown {
  aggregateClassInfo(cls);
  const own = ownValue(cls, name);
  return own !== undefined ? own : (Object.getPrototypeOf(cls) as Record<string, unknown>)[name];
}

export function aggregateClassInfo(cls: Callable): AggregateClassInfo {
  const known = infos.get(cls);
  if (known) return known;
  return registeringAtomically(() => classInfoNow(cls));
}

function classInfoNow(cls: Callable): AggregateClassInfo {
  const parent: unknown = Object.getPrototypeOf(cls);
  if (typeof parent !== "function" || parent === Function.prototype) {
    throw new TypeError(`${cls.name} is not a subclass of this copy of Aggregate`);
  }
  aggregateClassInfo(parent);

  attachDeclaredEvents(cls);
  const info = chooseCreatedEventClass(cls as Callable & AggregateStatics);
  checkSignatures(cls as Callable & AggregateStatics);
  infos.set(cls, info);
  // Known only if registering it (and its nested events) succeeds.
  onRegistrationUndone(() => infos.delete(cls));

  const topic = registerClass(cls);
  for (const key of Object.getOwnPropertyNames(cls)) {
    const member = ownValue(cls, key);
    if (typeof member === "function" && isSubclass(member, DomainEvent)) {
      registerClass(member, `${topic}.${key}`);
    }
  }
  return info;
}

/** The events the class's own `@event` methods declare. */
function declaredEvents(cls: Callable): readonly DeclaredEvent[] {
  const metadata: unknown = Reflect.get(cls, METADATA);
  if (typeof metadata !== "object" || metadata === null) return [];
  if (!Object.hasOwn(metadata, DECLARED_EVENTS)) return [];
  return (metadata as Record<symbol, DeclaredEvent[]>)[DECLARED_EVENTS] ?? [];
}

function attachDeclaredEvents(cls: Callable): void {
  const declared = declaredEvents(cls);
  for (const { name, eventClass, given, methodName } of declared) {
    const key = given ? keyOfGivenClass(cls, eventClass, name) : name;
    const existing = ownValue(cls, key);
    if (existing !== undefined && existing !== eventClass) {
      const other = declared.find((d) => d.eventClass === existing);
      throw new TypeError(
        `${key} event already defined on ${cls.name}${
          other ? `: ${other.methodName}() and ${methodName}() both trigger it` : ""
        }`,
      );
    }
    defineMember(cls, key, eventClass);
  }
}

/**
 * The static member under which a class given to `@event(EventClass)` is attached: the key it
 * is already nested under (`static Confirmed = Confirmed`), else its name, which must then be
 * one a compiler has not made up.
 */
function keyOfGivenClass(cls: Callable, eventClass: Callable, name: string): string {
  const nested = Object.getOwnPropertyNames(cls).find((key) => ownValue(cls, key) === eventClass);
  if (nested !== undefined) return nested;
  if (registeredTopic(eventClass) === undefined) {
    derivedClassName(
      eventClass,
      "a topic",
      `nest it as a static member (static ${name} = ${name}) or register it: registerTopic("Name", ${name})`,
    );
  }
  return name;
}

function chooseCreatedEventClass(cls: Callable & AggregateStatics): AggregateClassInfo {
  const candidates = new Map<string, typeof AggregateCreated>();
  for (const key of Object.getOwnPropertyNames(cls)) {
    const member = ownValue(cls, key);
    if (typeof member === "function" && isSubclass(member, AggregateCreated)) {
      candidates.set(key, member as typeof AggregateCreated);
    }
  }
  // As in the Python original, the name is the class's own: a subclass that names none gets
  // its own `Created`, never a silent copy of its parent's choice.
  const wanted = Object.hasOwn(cls, "createdEventName") ? cls.createdEventName : undefined;
  if (wanted !== undefined) {
    return {
      createdEventClass: candidates.get(wanted) ?? generateCreated(cls, wanted),
      createdEventProblem: undefined,
    };
  }
  if (candidates.size === 1) {
    return { createdEventClass: [...candidates.values()][0], createdEventProblem: undefined };
  }
  if (candidates.size === 0) {
    return { createdEventClass: generateCreated(cls, "Created"), createdEventProblem: undefined };
  }
  return {
    createdEventClass: undefined,
    createdEventProblem: `${cls.name} defines several created event classes (${[...candidates.keys()].join(", ")}): choose one with static createdEventName`,
  };
}

/**
 * Reads the signatures that name attributes now, so that untrustworthy names fail before
 * anything is recorded. In a class a minifier renamed, positional names are renamed too.
 */
function checkSignatures(cls: Callable & AggregateStatics): void {
  const signatures: [string, ParameterSpec][] = [
    [`${cls.name} constructor`, aggregateConstructorParameters(cls)],
  ];
  if (Object.hasOwn(cls, "createId") && typeof cls.createId === "function") {
    const label = `${cls.name}.createId()`;
    signatures.push([label, functionParameters(cls.createId, label)]);
  }
  for (const { methodName, params } of declaredEvents(cls)) {
    signatures.push([`${cls.name}.${methodName}()`, params]);
  }
  const positional = signatures.filter(([, spec]) => spec.kind === "positional");
  const names = [...new Set(positional.flatMap(([, spec]) => spec.names))];
  if (!looksMangledParameters(cls, names)) return;
  const [label] = positional.find(([, spec]) => spec.names.length > 0) ?? [cls.name];
  throw new ParameterError(
    label,
    `the code was minified (class '${cls.name}', parameters ${quoted(names)}), so its parameter names are not the ones written. ${objectFormAdvice()}`,
  );
}

function generateCreated(cls: Callable, name: string): typeof AggregateCreated {
  const generated = class extends AggregateCreated {};
  Object.defineProperty(generated, "name", { value: name });
  defineMember(cls, name, generated);
  return generated;
}

/** A class's own static member: a value, or a generated or attached class. */
function ownValue(cls: Callable, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(cls, key);
  if (descriptor === undefined) return undefined;
  return "value" in descriptor ? descriptor.value : members.get(cls)?.get(key);
}

function isSubclass(candidate: Callable, parent: Callable): boolean {
  return candidate === parent || candidate.prototype instanceof parent;
}
