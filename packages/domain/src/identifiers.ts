/**
 * Signs that a compiler renamed identifiers. Class names and positional parameter names are
 * identifiers, and what is stored must not depend on them where a bundler or minifier may
 * have changed them; these are the signs this library looks for before trusting one.
 *
 * - A canary: this module's own function and parameter names. A bundle that minified this
 *   library minified the application in it too, so a renamed canary is proof.
 * - Numbered names: bundlers rename a binding that clashes with another by appending a number
 *   (esbuild `name2`, rollup `name$1`).
 * - Minified code with short names: minifiers drop the space every formatter prints before a
 *   body's opening brace (`addTrick(e){`, `class l extends r{`) and shorten names to one or two
 *   characters. The missing space alone proves nothing: tsx strips whitespace but keeps names,
 *   and shows it by calling esbuild's helpers by their own names (`__name(this,"Ox")`,
 *   `__runInitializers(`), which a minifier renames with everything else.
 */
import type { Callable } from "./types.js";

/** Stands for application code in the same bundle: a minifier renames it as it renames theirs. */
function canaryFunction(canaryParameter: unknown): unknown {
  return canaryParameter;
}
class CanaryClass {}

/** What the bundle this library runs in renamed, if it was bundled with a minifier. */
export const bundleRenames = {
  parameters: !/^[^(]*\(\s*canaryParameter\s*\)/.test(
    Function.prototype.toString.call(canaryFunction),
  ),
  classes: canaryFunction.name !== "canaryFunction" || CanaryClass.name !== "CanaryClass",
};

/**
 * Whether a name looks like a bundler's rename of a clashing one: esbuild appends 2, 3, …
 * (`name2`), rollup `$1`, `$2`, … (`name$1`). Version suffixes (`OrderV2`) are not counted.
 */
export function looksRenamed(name: string): boolean {
  return /\$\d+$/.test(name) || (/[^\d$](?:[2-9]|[1-9]\d+)$/.test(name) && !/[Vv]\d+$/.test(name));
}

/**
 * Whether a function's or class's source looks minified: its whitespace is stripped (every
 * formatter and compiler prints a space before the opening brace of a body, `addTrick(trick) {`;
 * minifiers print none, `addTrick(e){`) and nothing in it shows its identifiers were kept.
 */
export function looksMinified(source: string): boolean {
  return whitespaceStripped(source) && !KEPT_HELPER_NAMES.test(source);
}

/**
 * Calls of esbuild's helpers by their own names: code compiled with identifiers kept, as tsx
 * compiles (whitespace stripped, names kept). A minifier would have renamed the helpers too.
 */
const KEPT_HELPER_NAMES =
  /\b__(?:name|runInitializers|decorateElement|decoratorStart|decoratorMetadata|publicField|privateAdd|privateGet|privateSet|privateMethod)\(/;

function whitespaceStripped(source: string): boolean {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '"' || ch === "'" || ch === "`") {
      i = endOfString(source, i);
    } else if (ch === "(" || ch === "[") {
      depth++;
    } else if (ch === ")" || ch === "]") {
      depth--;
    } else if (ch === "{") {
      if (depth === 0) return i > 0 && !/\s/.test(source[i - 1] ?? " ");
      depth++;
    } else if (ch === "}") {
      depth--;
    }
  }
  return false;
}

function endOfString(source: string, start: number): number {
  for (let j = start + 1; j < source.length; j++) {
    if (source[j] === "\\") j++;
    else if (source[j] === source[start]) return j;
  }
  return source.length;
}

/** A class whose code was minified and whose name is one or two characters: a minifier's. */
export function looksMangled(cls: Callable): boolean {
  return cls.name.length <= 2 && looksMinified(Function.prototype.toString.call(cls));
}

/**
 * Whether the positional parameter names of a class's signatures were given by a minifier:
 * its code was minified and the class's name is a minifier's, or every one of the names is a
 * single character, as a minifier's first choices are. (A decorated class keeps its name
 * when minified, since the decorator is given it as a string; its parameters don't.)
 */
export function looksMangledParameters(cls: Callable, names: readonly string[]): boolean {
  if (names.length === 0 || !looksMinified(Function.prototype.toString.call(cls))) return false;
  return cls.name.length <= 2 || names.every((name) => name.length === 1);
}
