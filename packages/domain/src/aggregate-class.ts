/**
 * What the library works out about an aggregate class on its first use: which created event
 * class it uses, which event classes its `@event` methods declared (attached as static members),
 * and the topics of the class and its nested event classes.
 *
 * This happens on first use rather than at class definition because JavaScript gives a base
 * class no hook when a subclass is defined.
 */
import { AggregateCreated, DomainEvent, setOwner } from "./domain-event.js";
import { DECLARED_EVENTS, type DeclaredEvent } from "./event-decorator.js";
import { METADATA } from "./metadata.js";
import { registerClass } from "./topics.js";
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
}

const infos = new WeakMap<Callable, AggregateClassInfo>();

export function aggregateClassInfo(cls: Callable, base: Callable): AggregateClassInfo {
  const known = infos.get(cls);
  if (known) return known;
  const parent = Object.getPrototypeOf(cls) as Callable;
  if (cls !== base && parent !== base) aggregateClassInfo(parent, base);

  attachDeclaredEvents(cls);
  const info = chooseCreatedEventClass(cls as Callable & AggregateStatics);
  infos.set(cls, info);

  const topic = registerClass(cls);
  for (const key of Object.getOwnPropertyNames(cls)) {
    const member: unknown = Object.getOwnPropertyDescriptor(cls, key)?.value;
    if (typeof member === "function" && isSubclass(member, DomainEvent)) {
      setOwner(member, cls);
      registerClass(member, `${topic}.${key}`);
    }
  }
  return info;
}

function attachDeclaredEvents(cls: Callable): void {
  const metadata = (cls as unknown as Record<symbol, object | undefined>)[METADATA];
  if (!metadata || !Object.hasOwn(metadata, DECLARED_EVENTS)) return;
  const declared = (metadata as Record<symbol, DeclaredEvent[]>)[DECLARED_EVENTS] ?? [];
  const seen = new Set<string>();
  for (const { name, eventClass } of declared) {
    const existing: unknown = Object.getOwnPropertyDescriptor(cls, name)?.value;
    if (seen.has(name) || (existing !== undefined && existing !== eventClass)) {
      throw new TypeError(`${name} event already defined on ${cls.name}`);
    }
    seen.add(name);
    Object.defineProperty(cls, name, { value: eventClass, configurable: true, writable: false });
  }
}

function chooseCreatedEventClass(cls: Callable & AggregateStatics): AggregateClassInfo {
  const candidates = new Map<string, typeof AggregateCreated>();
  for (const key of Object.getOwnPropertyNames(cls)) {
    const member: unknown = Object.getOwnPropertyDescriptor(cls, key)?.value;
    if (typeof member === "function" && isSubclass(member, AggregateCreated)) {
      candidates.set(key, member as typeof AggregateCreated);
    }
  }
  const wanted = cls.createdEventName;
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

function generateCreated(cls: Callable, name: string): typeof AggregateCreated {
  const generated = class extends AggregateCreated {};
  Object.defineProperty(generated, "name", { value: name });
  Object.defineProperty(cls, name, { value: generated, configurable: true, writable: false });
  return generated;
}

function isSubclass(candidate: Callable, base: Callable): boolean {
  return candidate === base || candidate.prototype instanceof base;
}
