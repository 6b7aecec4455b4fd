/**
 * Topics: the stable names under which classes are stored and found again.
 *
 * In the Python original a topic is `module:QualName`, resolved by importing the module.
 * JavaScript classes carry no module path and cannot be imported by name, so topics here come
 * from an explicit registry: a class's topic is the first one registered for it, or by default
 * its name (`World`), and a class nested as a static member of an aggregate class is
 * `World.SomethingHappened`. Registering a second topic for a class adds an alias, which is how
 * renamed classes keep reading old records. Two classes may never share a topic: reconstruction
 * could not tell them apart.
 */
import { TopicError } from "./errors.js";
import type { Callable } from "./types.js";

type Topical = Callable;

const byTopic = new Map<string, Topical>();
const byClass = new Map<Topical, string>();

/**
 * A class that needs to register more than itself (an aggregate registers its nested event
 * classes) implements this static hook; `getTopic` and `resolveTopic` call it on first use.
 */
export const REGISTER_NESTED: unique symbol = Symbol("es.registerNested");

interface WithNested {
  [REGISTER_NESTED]?: () => void;
}

/** The topic of a class, registering it under its default topic on first use. */
export function getTopic(cls: Topical): string {
  const known = byClass.get(cls);
  if (known !== undefined) return known;
  const hook = (cls as WithNested)[REGISTER_NESTED];
  if (typeof hook === "function") {
    hook.call(cls);
    const registered = byClass.get(cls);
    if (registered !== undefined) return registered;
  }
  return registerTopic(defaultTopic(cls), cls);
}

/**
 * Registers `cls` under `topic`. The first topic registered for a class is its topic; later
 * ones are aliases that also resolve to it. Returns the class's topic.
 */
export function registerTopic(topic: string, cls: Topical): string {
  if (typeof topic !== "string" || topic.trim() === "") {
    throw new TopicError(`A topic must be a non-empty string, got ${JSON.stringify(topic)}`);
  }
  const holder = byTopic.get(topic);
  if (holder !== undefined && holder !== cls) {
    throw new TopicError(
      `Topic '${topic}' is already registered for another class named '${holder.name}'. ` +
        `Give one of them another topic with registerTopic(topic, cls) before it is first used.`,
    );
  }
  byTopic.set(topic, cls);
  const own = byClass.get(cls);
  if (own !== undefined) return own;
  byClass.set(cls, topic);
  // Nested classes take their topics from this one, so register them now.
  (cls as WithNested)[REGISTER_NESTED]?.call(cls);
  return topic;
}

/** Registers a class under its default topic unless it is already registered. */
export function registerClass(cls: Topical, topic: string = defaultTopic(cls)): string {
  return byClass.get(cls) ?? registerTopic(topic, cls);
}

/** The class registered under `topic` (or an alias of it). */
export function resolveTopic<T extends Topical = Topical>(topic: string): T {
  const found = byTopic.get(topic) ?? resolveNested(topic);
  if (found === undefined) {
    throw new TopicError(
      `Failed to resolve topic '${topic}': no class is registered under it. ` +
        `Classes register on first use; in a process that only reads, decorate aggregate ` +
        `classes with @aggregate (or call registerTopic()) so they register when defined.`,
    );
  }
  return found as T;
}

/** True when a class is registered under `topic`. */
export function hasTopic(topic: string): boolean {
  return byTopic.has(topic) || resolveNested(topic) !== undefined;
}

/** `Owner.Member` resolves through the owner's topic (and its aliases) to its static member. */
function resolveNested(topic: string): Topical | undefined {
  const dot = topic.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const owner = byTopic.get(topic.slice(0, dot)) ?? resolveNested(topic.slice(0, dot));
  if (owner === undefined) return undefined;
  getTopic(owner);
  const member: unknown = (owner as unknown as Record<string, unknown>)[topic.slice(dot + 1)];
  if (typeof member !== "function") return undefined;
  byTopic.set(topic, member);
  return member;
}

function defaultTopic(cls: Topical): string {
  if (!cls.name) {
    throw new TopicError(
      "An anonymous class has no default topic: name it, or register it with registerTopic()",
    );
  }
  return cls.name;
}
