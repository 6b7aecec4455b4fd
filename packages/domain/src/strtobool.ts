/**
 * Reads a boolean from configuration text with the rules of Python's `distutils.util.strtobool`,
 * which the original library uses for every boolean environment variable.
 */

const TRUE = new Set(["y", "yes", "t", "true", "on", "1"]);
const FALSE = new Set(["n", "no", "f", "false", "off", "0"]);

/**
 * `y`, `yes`, `t`, `true`, `on`, `1` → true; `n`, `no`, `f`, `false`, `off`, `0` → false
 * (case-insensitive): how every boolean environment variable is read.
 *
 * @example
 * ```ts
 * strtobool("Yes"); // true
 * strtobool("off"); // false
 * ```
 * @throws RangeError for any other string; TypeError for a value that is not a string.
 */
export function strtobool(value: string): boolean {
  if (typeof value !== "string") {
    throw new TypeError(`Expected a string, got ${value === null ? "null" : typeof value}`);
  }
  const lowered = value.toLowerCase();
  if (TRUE.has(lowered)) return true;
  if (FALSE.has(lowered)) return false;
  throw new RangeError(`invalid truth value '${value}'`);
}
