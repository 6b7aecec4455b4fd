/**
 * Reads the declared parameter names of a function or class constructor from its source text.
 *
 * The declarative syntax derives event attribute names from constructor and method signatures,
 * as the Python original does with `inspect.signature`. JavaScript keeps no signature at run
 * time, but `Function.prototype.toString` returns the (type-stripped) source, whose parameter
 * list is enough: plain names, defaults, TypeScript parameter properties, or one destructured
 * object. Anything else (rest parameters, array patterns) cannot name the attributes, so it is
 * refused with an error naming the function.
 */
import type { Callable } from "./types.js";

/** How a function receives its attributes. */
export type ParameterSpec =
  | { readonly kind: "positional"; readonly names: readonly string[] }
  | { readonly kind: "object"; readonly keys: readonly string[] };

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
  warnIfRenamed(spec, label);
  cache.set(fn, spec);
  return spec;
}

/**
 * The constructor parameters of a class: those of the nearest class in its prototype chain
 * (stopping before `stop`) that declares a constructor. A class without one inherits its
 * parent's, as JavaScript's implicit `constructor(...args) { super(...args) }` does.
 */
export function constructorParameters(cls: Callable, stop: Callable): ParameterSpec {
  const cached = cache.get(cls);
  if (cached) return cached;
  let spec: ParameterSpec = { kind: "positional", names: [] };
  for (let c: Callable | null = cls; c && c !== stop; c = Object.getPrototypeOf(c)) {
    const list = constructorParameterList(c);
    if (list !== undefined) {
      spec = parseParameterList(list, `${cls.name} constructor`);
      warnIfRenamed(spec, `${cls.name} constructor`);
      break;
    }
  }
  cache.set(cls, spec);
  return spec;
}

function constructorParameterList(cls: Callable): string | undefined {
  const source = Function.prototype.toString.call(cls);
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
 * esbuild (used by tsx, vitest and vite) renames a parameter that shadows an outer binding
 * (`name` becomes `name2`), and then the source no longer holds the declared name. Such names
 * end in a digit, so say so once: the object-parameter form (`{ name }`) is never renamed.
 * Silence with `node --disable-warning=ES_RENAMED_PARAMETER` where a name really ends in one.
 */
function warnIfRenamed(spec: ParameterSpec, label: string): void {
  if (spec.kind !== "positional") return;
  const suspects = spec.names.filter((name) => /\D\d+$/.test(name));
  if (suspects.length === 0) return;
  process.emitWarning(
    `${label}: parameter ${suspects.join(", ")} ends in a digit, as names renamed by esbuild ` +
      "do (it renames parameters that shadow outer bindings). Event attributes are named " +
      "after parameters: rename the outer binding, or take one destructured object parameter.",
    { code: "ES_RENAMED_PARAMETER" },
  );
}

function parseParameterList(list: string, label: string): ParameterSpec {
  const params = splitTopLevel(list, label)
    .map((p) => p.trim())
    .filter((p) => p !== "");
  const names: string[] = [];
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
      return { kind: "object", keys: objectPatternKeys(param, label) };
    }
    const name = /^([A-Za-z_$][\w$]*)/.exec(param)?.[1];
    if (!name) {
      throw new ParameterError(label, `can't determine a name for the parameter \`${param}\``);
    }
    names.push(name);
  }
  return { kind: "positional", names };
}

function objectPatternKeys(pattern: string, label: string): string[] {
  const close = matchingClose(pattern, 0, label);
  const keys: string[] = [];
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
    keys.push(name);
  }
  return keys;
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

/** Binds call arguments to attribute names, refusing surplus arguments as JavaScript won't. */
export function bindArguments(
  spec: ParameterSpec,
  args: readonly unknown[],
  label: string,
): Record<string, unknown> {
  if (spec.kind === "object") {
    if (args.length > 1) {
      throw new TypeError(`${label} takes 1 argument but ${args.length} were given`);
    }
    const given = (args[0] ?? {}) as Record<string, unknown>;
    const attrs: Record<string, unknown> = {};
    for (const key of spec.keys) if (given[key] !== undefined) attrs[key] = given[key];
    return attrs;
  }
  if (args.length > spec.names.length) {
    const n = spec.names.length;
    throw new TypeError(
      `${label} takes ${n} argument${n === 1 ? "" : "s"} but ${args.length} were given`,
    );
  }
  const attrs: Record<string, unknown> = {};
  spec.names.forEach((name, i) => {
    if (args[i] !== undefined) attrs[name] = args[i];
  });
  return attrs;
}

/** The call arguments that re-create a call from recorded attributes. */
export function argumentsFrom(
  spec: ParameterSpec,
  attrs: Readonly<Record<string, unknown>>,
): unknown[] {
  if (spec.kind === "object") {
    const object: Record<string, unknown> = {};
    for (const key of spec.keys) if (attrs[key] !== undefined) object[key] = attrs[key];
    return [object];
  }
  return spec.names.map((name) => attrs[name]);
}
