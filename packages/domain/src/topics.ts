/**
 * Topics: the stable names under which classes are stored and found again.
 *
 * In the Python original a topic is `module:QualName`, resolved by importing the module.
 * JavaScript classes carry no module path and cannot be imported by name, so topics here come
 * from an explicit registry: a class's topic is the first one registered for it (`@aggregate("Dog")`,
 * `registerTopic("Dog", Dog)`), or by default its name, and a class nested as a static member
 * of an aggregate class is `Dog.TrickAdded` (its property key, which compilers keep).
 * Registering a second topic for a class adds an alias, which is how renamed classes keep
 * reading old records. Two classes may never share a topic: reconstruction could not tell
 * them apart.
 *
 * A class name is an identifier that bundlers and minifiers may rename, so a default topic is
 * refused where there are signs of that (see identifiers.ts), and warned about where the name
 * looks machine-made. The registry is global (keyed by `Symbol.for`), so that several copies of this
 * package in one process (a bundle beside an installed adapter, or two installed versions) see
 * the same classes.
 */
import { TopicError } from "./errors.js";
import { bundleRenames, looksMangled, looksRenamed } from "./identifiers.js";
import type { Callable } from "./types.js";

type Topical = Callable;

interface Registry {
  readonly byTopic: Map<string, Topical>;
  readonly byClass: Map<Topical, string>;
  /** This library's own classes, from any copy of it: the same topic may name several copies. */
  readonly library: Set<Topical>;
}

const REGISTRY = Symbol.for("@es/domain.topics");
const global = globalThis as { [REGISTRY]?: Registry };
global[REGISTRY] ??= { byTopic: new Map(), byClass: new Map(), library: new Set() };
const { byTopic, byClass, library } = global[REGISTRY];

/**
 * A class that needs to register more than itself (an aggregate registers its nested event
 * classes) implements this static hook; `getTopic` and `resolveTopic` call it on first use.
 */
export const REGISTER_NESTED: unique symbol = Symbol.for("@es/domain.registerNested");

interface WithNested {
  [REGISTER_NESTED]?: () => void;
}

/**
 * The topic of a class, registering it under its default topic (its name) on first use.
 *
 * @throws {@link TopicError} if the class has no registered topic and its name can't be trusted
 *   (anonymous, or renamed by a minifier).
 */
export function getTopic(cls: Topical): string {
  const known = byClass.get(cls);
  if (known !== undefined) return known;
  return registeringAtomically(() => registerDefault(cls));
}

function registerDefault(cls: Topical): string {
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
 * ones are aliases that also resolve to it, which is how a renamed class keeps reading what
 * was stored under its old name. Returns the class's topic.
 *
 * @example
 * ```ts
 * registerTopic("Dog", Dog); // Dog's topic, before it is first used
 * registerTopic("Hound", Dog); // records stored as "Hound" resolve to Dog
 * ```
 * @throws {@link TopicError} if the topic is empty or is another class's.
 */
export function registerTopic(topic: string, cls: Topical): string {
  return registeringAtomically(() => registerTopicNow(topic, cls));
}

function registerTopicNow(topic: string, cls: Topical): string {
  if (typeof topic !== "string" || topic.trim() === "") {
    throw new TopicError(`A topic must be a non-empty string, got ${JSON.stringify(topic)}`);
  }
  const holder = byTopic.get(topic);
  if (holder !== undefined && holder !== cls) {
    throw new TopicError(
      `Topic '${topic}' is already registered for another class named '${holder.name}'. ` +
        `Give one of them another topic (@aggregate("Name") or registerTopic(topic, cls)) before it is first used.`,
    );
  }
  setUndoably(byTopic, topic, cls);
  const own = byClass.get(cls);
  if (own !== undefined) return own;
  setUndoably(byClass, cls, topic);
  // Nested classes take their topics from this one, so register them now.
  (cls as WithNested)[REGISTER_NESTED]?.call(cls);
  return topic;
}

/**
 * Registers one of this library's classes under its fixed topic. Another copy of the library
 * in the same process registers its own class under the same topic; the first one resolves.
 */
export function registerLibraryClass(topic: string, cls: Topical): void {
  const holder = byTopic.get(topic);
  if (holder !== undefined && holder !== cls && !library.has(holder)) {
    throw new TopicError(`Topic '${topic}' is reserved, but a class named '${holder.name}' has it`);
  }
  if (holder === undefined) byTopic.set(topic, cls);
  library.add(cls);
  if (!byClass.has(cls)) byClass.set(cls, topic);
}

/** The topic a class is registered under, if it is (without registering it). */
export function registeredTopic(cls: Topical): string | undefined {
  return byClass.get(cls);
}

/** Registers a class under its default topic unless it is already registered. */
export function registerClass(cls: Topical, topic?: string): string {
  return byClass.get(cls) ?? registerTopic(topic ?? defaultTopic(cls), cls);
}

/**
 * Undo steps of the registration under way: registering a class registers its nested classes
 * (and they theirs), and if any of that fails, none of it stays, so the topic of a class
 * refused while registering is free for a corrected class, and nothing resolves to half of it.
 */
let undoSteps: (() => void)[] | undefined;

/**
 * Runs a registration all or nothing: if it throws, what it registered (through this module,
 * or steps given to {@link onRegistrationUndone}) is undone, latest first.
 */
export function registeringAtomically<T>(register: () => T): T {
  if (undoSteps !== undefined) return register();
  const steps: (() => void)[] = [];
  undoSteps = steps;
  try {
    return register();
  } catch (error) {
    for (const step of steps.reverse()) step();
    throw error;
  } finally {
    undoSteps = undefined;
  }
}

/** Adds a step that undoes something done in the registration under way, if it fails. */
export function onRegistrationUndone(step: () => void): void {
  undoSteps?.push(step);
}

function setUndoably<K, V>(map: Map<K, V>, key: K, value: V): void {
  const had = map.has(key);
  const previous = map.get(key);
  map.set(key, value);
  onRegistrationUndone(() => {
    if (had) map.set(key, previous as V);
    else map.delete(key);
  });
}

/**
 * The class registered under `topic` (or an alias of it).
 *
 * @throws {@link TopicError} if no class is registered under it.
 */
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

/**
 * Marks the registry as it is now, and returns what forgets every topic and class registered
 * since: a scope of topics for tests (`@es/domain/testing`). Aliases added since to classes
 * registered before are forgotten too; nothing registered before is.
 */
export function markTopics(): () => void {
  const topics = new Set(byTopic.keys());
  const classes = new Set(byClass.keys());
  const libraryClasses = new Set(library);
  return () => {
    for (const topic of [...byTopic.keys()]) if (!topics.has(topic)) byTopic.delete(topic);
    for (const cls of [...byClass.keys()]) if (!classes.has(cls)) byClass.delete(cls);
    for (const cls of [...library]) if (!libraryClasses.has(cls)) library.delete(cls);
  };
}

/** True when a class is registered under `topic`. */
export function hasTopic(topic: string): boolean {
  return byTopic.has(topic) || resolveNested(topic) !== undefined;
}

/**
 * `Owner.Member` resolves through the owner's topic (and its aliases) to the event class
 * registered as the owner's member: only classes the registry holds, never whatever property
 * a stored topic happens to name (`Owner.constructor`, `Owner.__proto__`).
 */
function resolveNested(topic: string): Topical | undefined {
  const dot = topic.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const owner = byTopic.get(topic.slice(0, dot)) ?? resolveNested(topic.slice(0, dot));
  if (owner === undefined) return undefined;
  const member = byTopic.get(`${getTopic(owner)}.${topic.slice(dot + 1)}`);
  if (member !== undefined) byTopic.set(topic, member);
  return member;
}

function defaultTopic(cls: Topical): string {
  return derivedClassName(
    cls,
    "a topic",
    `register it under a name that is a string: @aggregate("Name") on an aggregate class, or registerTopic("Name", cls)`,
  );
}

const warned = new WeakSet<Topical>();

/**
 * A class's name, where something that is stored (a topic, a table name) is derived from it.
 * Refused where the class has none or a minifier renamed it (its code minified and its name
 * one or two characters); a warning where the name looks like a bundler's numbered rename of
 * a clashing class (`Dog2`), which bundlers make without minifying and a person may also
 * have chosen. A short name in code that wasn't minified is the author's, and trusted.
 */
export function derivedClassName(
  cls: Topical,
  what: string,
  fix: string,
  ErrorClass: new (message: string) => Error = TopicError,
): string {
  const name = cls.name;
  if (!name) {
    throw new ErrorClass(`An anonymous class has no name to derive ${what} from: ${fix}`);
  }
  if (bundleRenames.classes || looksMangled(cls)) {
    throw new ErrorClass(
      `Can't derive ${what} from the name of class '${name}': the code was minified, so its ` +
        `name is not the one written (and may differ from build to build). To fix it, ${fix}.`,
    );
  }
  if (looksRenamed(name) && !warned.has(cls)) {
    warned.add(cls);
    process.emitWarning(
      `Class '${name}' gives ${what} derived from its name, which looks like one a bundler ` +
        `made (numbered, as bundlers rename clashing classes). If that name is yours, all is ` +
        `well; if not, what is stored will change with the build. To be sure, ${fix}.`,
      { code: "ES_UNSTABLE_NAME" },
    );
  }
  return name;
}
