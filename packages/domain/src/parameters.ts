/**
 * Reads the declared parameter names of a function or class constructor from its source text.
 *
 * The declarative syntax derives event attribute names from constructor and method signatures,
 * as the Python original does with `inspect.signature`. JavaScript keeps no signature at run
 * time, but `Function.prototype.toString` returns the (type-stripped) source, whose parameter
 * list is enough: plain names, defaults, TypeScript parameter properties, or one destructured
 * object. Anything else (rest parameters, array patterns) cannot name the attributes, so it is
 * refused with an error naming the function.
 *
 * Source text is what the compiler left: the keys of a destructured object survive every
 * bundler and minifier, positional parameter names do not, so positional names that show
 * signs of renaming are refused too (see `assertNamesTrusted`).
 */
import { quoted } from "./errors.js";
import { bundleRenames, looksRenamed } from "./identifiers.js";
import type { Callable } from "./types.js";

/**
 * How a function receives its attributes: as positional parameters, or as the properties of
 * one destructured object parameter. `optional` holds the names that have a default value.
 */
export interface ParameterSpec {
  readonly kind: "positional" | "object";
  readonly names: readonly string[];
  readonly optional: ReadonlySet<string>;
}

/** A parameter list that cannot name attributes; `reason` says why, the message says where. */
export class ParameterError extends TypeError {
  override name = "ParameterError";
  constructor(
    label: string,
    readonly reason: string,
  ) {
    super(`${label}: ${reason}`);
  }
}

/** No names: for signatures and checks that have none. */
export const NONE: ReadonlySet<string> = new Set();
const cache = new WeakMap<object, ParameterSpec>();

/** The parameters of a method or plain function. `label` names it in errors, e.g. `World.makeItSo()`. */
export function functionParameters(fn: Callable, label: string): ParameterSpec {
  const cached = cache.get(fn);
  if (cached) return cached;
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new ParameterError(label, `can't read the parameters of a native or bound function`);
  }
  let list: string;
  const arrow = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (arrow?.[1]) {
    list = arrow[1];
  } else {
    const open = indexOfOutside(source, "(", 0);
    if (open < 0) throw new ParameterError(label, `can't find a parameter list`);
    list = source.slice(open + 1, matchingClose(source, open, label));
  }
  const spec = parseParameterList(list, label);
  assertNamesTrusted(spec, source, label);
  cache.set(fn, spec);
  return spec;
}

/**
 * The constructor parameters of a class: those of the nearest class in its prototype chain
 * (stopping before `stop`, if given) that declares a constructor. A class without one inherits its
 * parent's, as JavaScript's implicit `constructor(...args) { super(...args) }` does.
 */
export function constructorParameters(cls: Callable, stop?: Callable): ParameterSpec {
  const cached = cache.get(cls);
  if (cached) return cached;
  let spec: ParameterSpec = { kind: "positional", names: [], optional: NONE };
  for (let c: unknown = cls; typeof c === "function" && c !== stop; c = Object.getPrototypeOf(c)) {
    const source = Function.prototype.toString.call(c);
    const list = constructorParameterList(source, c);
    if (list !== undefined) {
      const label = `${cls.name} constructor`;
      spec = parseParameterList(list, label);
      assertNamesTrusted(spec, source, label);
      break;
    }
  }
  cache.set(cls, spec);
  return spec;
}

function constructorParameterList(source: string, cls: Callable): string | undefined {
  if (!/^\s*class\b/.test(source)) return undefined;
  const bodyStart = indexOfOutside(source, "{", 0);
  if (bodyStart < 0) return undefined;
  // Scan the class body, at depth one, for `constructor(`.
  for (const [i, ch, depth] of code(source, bodyStart)) {
    if (
      depth === 1 &&
      ch === "c" &&
      source.startsWith("constructor", i) &&
      !isIdentChar(source[i - 1])
    ) {
      let j = i + "constructor".length;
      while (/\s/.test(source[j] ?? "")) j++;
      if (source[j] !== "(") continue;
      const close = matchingClose(source, j, cls.name);
      const list = source.slice(j + 1, close);
      // Compilers that lower decorators or fields synthesise `constructor() { super(...arguments) }`
      // for classes that declared none: that one is the parent's signature, not a new one.
      if (list.trim() === "" && /^\s*\{\s*super\(\.\.\.arguments\)/.test(source.slice(close + 1))) {
        return undefined;
      }
      return list;
    }
  }
  return undefined;
}

/**
 * Positional parameter names are identifiers, which compilers may rename; refuse them where
 * there are signs they were (see identifiers.ts). The object form (`addTrick({ trick })`) is
 * never affected: property keys are not renamed.
 */
function assertNamesTrusted(spec: ParameterSpec, source: string, label: string): void {
  if (spec.kind !== "positional" || spec.names.length === 0) return;
  if (bundleRenames.parameters) {
    throw new ParameterError(
      label,
      `this code was bundled with a minifier that renames parameters (\`${head(source)}\`), so ` +
        `parameter names are not the ones written. ${objectFormAdvice()}`,
    );
  }
  const renamed = spec.names.filter(looksRenamed);
  if (renamed.length > 0) {
    throw new ParameterError(
      label,
      `parameter ${quoted(renamed)} ends in a number, as parameters renamed by bundlers do ` +
        `(esbuild renames one that shadows an outer binding). ${objectFormAdvice(spec)}`,
    );
  }
}

/** The fix for untrusted positional names (with the names, where a bundler only numbered them). */
export function objectFormAdvice(spec?: ParameterSpec): string {
  const names = spec?.names.map((name) =>
    looksRenamed(name) ? name.replace(/\$?\d+$/, "") : name,
  );
  const example = names ? `({ ${names.join(", ")} })` : "addTrick({ trick }: { trick: string })";
  return (
    `Event attributes are named after parameters: take one destructured object parameter ` +
    `instead (e.g. \`${example}\`), whose property names compilers keep.`
  );
}

/** The start of a function's source, up to its body, for messages. */
export function head(source: string): string {
  const brace = indexOfOutside(source, "{", 0);
  const text = brace < 0 ? source : source.slice(0, brace + 1);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Names an event attribute may not have: the ones every event has, the class version key, and
 * everything an event inherits (`constructor`, `__proto__`, `mutate`, `apply`, `toString`…),
 * which an attribute would shadow or could never be stored and read back as.
 */
const RESERVED = new Set([
  "originatorId",
  "originatorVersion",
  "timestamp",
  "originatorTopic",
  "classVersion",
  "mutate",
  "apply",
]);

function assertNotReserved(spec: ParameterSpec, label: string): ParameterSpec {
  for (const name of spec.names) {
    if (RESERVED.has(name) || name in Object.prototype) {
      throw new ParameterError(
        label,
        `the attribute name '${name}' is reserved: every event has it, or inherits it, so an attribute can't be called that`,
      );
    }
  }
  return spec;
}

function parseParameterList(list: string, label: string): ParameterSpec {
  return assertNotReserved(parseParameterNames(list, label), label);
}

function parseParameterNames(list: string, label: string): ParameterSpec {
  const params = splitTopLevel(list, label)
    .map((p) => p.trim())
    .filter((p) => p !== "");
  const names: string[] = [];
  const optional = new Set<string>();
  for (const param of params) {
    if (param.startsWith("...")) {
      throw new ParameterError(label, `variable (rest) parameters are not supported`);
    }
    if (param.startsWith("{")) {
      if (params.length !== 1) {
        throw new ParameterError(
          label,
          `a destructured object parameter must be the only parameter`,
        );
      }
      return objectPattern(param, label);
    }
    const name = /^([A-Za-z_$][\w$]*)/.exec(param)?.[1];
    if (!name) {
      throw new ParameterError(label, `can't determine a name for the parameter \`${param}\``);
    }
    names.push(name);
    if (hasDefault(param)) optional.add(name);
  }
  return { kind: "positional", names, optional };
}

function objectPattern(pattern: string, label: string): ParameterSpec {
  const close = matchingClose(pattern, 0, label);
  const names: string[] = [];
  const optional = new Set<string>();
  for (const raw of splitTopLevel(pattern.slice(1, close), label)) {
    const entry = raw.trim();
    if (entry === "") continue;
    if (entry.startsWith("...")) {
      throw new ParameterError(
        label,
        `rest properties in a destructured parameter are not supported`,
      );
    }
    const key = /^(?:([A-Za-z_$][\w$]*)|"([^"]*)"|'([^']*)')/.exec(entry);
    const name = key?.[1] ?? key?.[2] ?? key?.[3];
    if (name === undefined) {
      throw new ParameterError(label, `can't determine the property name of \`${entry}\``);
    }
    names.push(name);
    if (hasDefault(entry)) optional.add(name);
  }
  return { kind: "object", names, optional };
}

/** Whether a parameter (or pattern entry) has a default value: an `=` outside brackets. */
function hasDefault(param: string): boolean {
  for (const [i, ch, depth] of code(param)) {
    if (depth === 0 && ch === "=" && param[i + 1] !== ">" && param[i + 1] !== "=") return true;
  }
  return false;
}

/** Splits on commas that are not nested in brackets, strings or comments. */
function splitTopLevel(text: string, label: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (const [i, ch, depth] of code(text)) {
    if (depth < 0) throw new ParameterError(label, "unbalanced parameter list");
    if (ch === "," && depth === 0) {
      parts.push(stripComments(text.slice(start, i)));
      start = i + 1;
    }
  }
  parts.push(stripComments(text.slice(start)));
  return parts;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");
}

function matchingClose(text: string, open: number, label: string): number {
  for (const [i, ch, depth] of code(text, open)) {
    if (depth === 0 && (ch === ")" || ch === "]" || ch === "}")) return i;
  }
  throw new ParameterError(label, "unbalanced parameter list");
}

function indexOfOutside(text: string, target: string, from: number): number {
  for (const [i, ch] of code(text, from)) if (ch === target) return i;
  return -1;
}

const OPENERS = new Set(["(", "[", "{"]);
const CLOSERS = new Set([")", "]", "}"]);

/**
 * The characters of `text` from `from` on that are code (strings, templates and comments are
 * skipped), each with its bracket depth relative to `from`: brackets report the depth outside them.
 */
function* code(text: string, from = 0): Generator<[index: number, char: string, depth: number]> {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const skip = skipLiteral(text, i);
    if (skip !== i) {
      i = skip - 1;
      continue;
    }
    const ch = text[i] as string;
    if (CLOSERS.has(ch)) depth--;
    yield [i, ch, depth];
    if (OPENERS.has(ch)) depth++;
  }
}

/** If a string, template or comment starts at `i`, the index just past it; otherwise `i`. */
function skipLiteral(text: string, i: number): number {
  const ch = text[i];
  if (ch === '"' || ch === "'" || ch === "`") {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === "\\") j++;
      else if (text[j] === ch) return j + 1;
    }
    return text.length;
  }
  if (ch === "/" && text[i + 1] === "/") {
    const end = text.indexOf("\n", i);
    return end < 0 ? text.length : end;
  }
  if (ch === "/" && text[i + 1] === "*") {
    const end = text.indexOf("*/", i + 2);
    return end < 0 ? text.length : end + 2;
  }
  return i;
}

function isIdentChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\w$#.]/.test(ch);
}

/**
 * Binds call arguments to attribute names as the Python original binds keyword arguments:
 * surplus arguments, missing required ones (a parameter without a default, given nothing or
 * `undefined`) and, in the object form, properties the pattern doesn't name are `TypeError`s,
 * raised before any event is made. Arguments left to their defaults are not recorded, so the
 * default applies again when the event is replayed.
 */
export function bindArguments(
  spec: ParameterSpec,
  args: readonly unknown[],
  label: string,
): Record<string, unknown> {
  const { names } = spec;
  let given: Readonly<Record<string, unknown>> | undefined;
  if (spec.kind === "object") {
    if (args.length > 1) {
      throw new TypeError(`${label} takes 1 argument but ${args.length} were given`);
    }
    const object = args[0] ?? {};
    if (typeof object !== "object" || Array.isArray(object)) {
      throw new TypeError(`${label} takes one object argument, got ${describeValue(object)}`);
    }
    given = object as Record<string, unknown>;
    for (const key in given) {
      if (!names.includes(key) && Object.hasOwn(given, key)) {
        const unexpected = Object.keys(given).filter((k) => !names.includes(k));
        throw new TypeError(
          `${label} got ${unexpected.length === 1 ? "an unexpected property" : "unexpected properties"} ${quoted(unexpected)}`,
        );
      }
    }
  } else if (args.length > names.length) {
    const n = names.length;
    throw new TypeError(
      `${label} takes ${n} argument${n === 1 ? "" : "s"} but ${args.length} were given`,
    );
  }
  const attrs: Record<string, unknown> = {};
  let missing: string[] | undefined;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const value = given ? given[name] : args[i];
    if (value !== undefined) attrs[name] = value;
    else if (!spec.optional.has(name)) {
      missing ??= [];
      missing.push(name);
    }
  }
  if (missing) {
    const what = spec.kind === "object" ? "property" : "positional argument";
    throw new TypeError(
      `${label} missing ${missing.length} required ${what}${missing.length === 1 ? "" : "s"}: ${quoted(missing)}`,
    );
  }
  return attrs;
}

/** What keeps recorded attributes from fitting a signature. */
export interface AttributeMismatch {
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
}

/**
 * Checks recorded attributes against a signature: every parameter without a default must have
 * a value, and every attribute must be a parameter. `ignored` attributes (an event's own
 * originator id, version, timestamp) are not the signature's; `supplied` parameters are given
 * from elsewhere (an aggregate's `id`). Undefined when they fit.
 */
export function attributeMismatch(
  spec: ParameterSpec,
  attrs: object,
  ignored: ReadonlySet<string>,
  supplied: ReadonlySet<string> = NONE,
): AttributeMismatch | undefined {
  const values = attrs as Readonly<Record<string, unknown>>;
  // The common case, on every replay, is a fit: count, and only list the problems if not.
  let present = 0;
  let missing = false;
  for (const name of spec.names) {
    if (values[name] !== undefined && Object.hasOwn(values, name)) present++;
    else if (!spec.optional.has(name) && !supplied.has(name)) missing = true;
  }
  if (!missing) {
    let recorded = Object.keys(values).length;
    for (const key of ignored) if (Object.hasOwn(values, key)) recorded--;
    if (recorded === present) return undefined;
  }
  const names = new Set(spec.names);
  const mismatch = {
    missing: spec.names.filter(
      (name) => values[name] === undefined && !spec.optional.has(name) && !supplied.has(name),
    ),
    unexpected: Object.keys(values).filter(
      (key) => !ignored.has(key) && values[key] !== undefined && !names.has(key),
    ),
  };
  return mismatch.missing.length > 0 || mismatch.unexpected.length > 0 ? mismatch : undefined;
}

/** The call arguments that re-create a call from recorded attributes. */
export function argumentsFrom(spec: ParameterSpec, recorded: object): unknown[] {
  const attrs = recorded as Readonly<Record<string, unknown>>;
  if (spec.kind === "object") {
    const object: Record<string, unknown> = {};
    for (const key of spec.names) if (attrs[key] !== undefined) object[key] = attrs[key];
    return [object];
  }
  return spec.names.map((name) => attrs[name]);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}
