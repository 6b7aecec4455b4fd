/**
 * Application environment: configuration read from variables, where a variable prefixed with
 * the upper-cased application name (`WORLDS_SQLITE_DBNAME`) wins over the plain one
 * (`SQLITE_DBNAME`). Values are validated with zod; an invalid value fails at once with an
 * error naming the variable it came from.
 */
import { type InspectOptions, inspect } from "node:util";
import { strtobool } from "@es/domain";
import { z } from "zod";
import { ConfigurationError } from "./errors.js";

/** Environment variables by name, as `process.env` holds them. */
export type EnvValues = Readonly<Record<string, string | undefined>>;

/** Variables whose values are secrets, by name: never shown in errors or when inspected. */
export function isSecretVariable(name: string): boolean {
  return /KEY|PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL/i.test(name);
}

/**
 * A copy of the values that `util.inspect` and `JSON.stringify` show with secrets redacted: the
 * values of secret variables, and the password of a URL in any (`postgres://u:<redacted>@h/db`).
 */
export function redactedValues(values: EnvValues): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) {
      redacted[name] = isSecretVariable(name) ? REDACTED : withoutUrlPassword(value);
    }
  }
  return redacted;
}

/** A URL's password: after `scheme://user:`, up to the authority's last `@`. */
const URL_PASSWORD = /^(\s*[a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)[^/?#]*@/i;

/** The text with the password of a URL at its start redacted (`DATABASE_URL`, `POSTGRES_URL`). */
function withoutUrlPassword(value: string): string {
  return value.replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/** Makes `values` print with its secrets redacted (it is frozen, as the environment is). */
export function withRedactedInspection<T extends EnvValues>(values: T): T {
  Object.defineProperties(values, {
    [inspect.custom]: {
      value: (_depth: number, options: InspectOptions) => inspect(redactedValues(values), options),
    },
    toJSON: { value: () => redactedValues(values) },
  });
  return Object.freeze(values);
}

const REDACTED = "<redacted>";

/** At most this much of a bad value is quoted in an error. */
const QUOTED_LENGTH = 40;

/**
 * An application's environment: its variables, read application-prefixed first
 * (`WORLDS_SQLITE_DBNAME` before `SQLITE_DBNAME`), checked by zod schemas, with secrets
 * redacted wherever the values are shown.
 *
 * @example
 * ```ts
 * const env = new Environment("Worlds", { WORLDS_SQLITE_DBNAME: "worlds.db" });
 * env.get("SQLITE_DBNAME"); // "worlds.db"
 * env.read("CREATE_TABLE", envSchemas.boolean(true)); // true
 * ```
 */
export class Environment {
  /** The application's name, whose upper-cased form prefixes its own variables. */
  readonly name: string;
  /** The variables (frozen; inspected or serialised with secrets redacted). */
  readonly values: EnvValues;

  constructor(name = "", values: EnvValues = {}) {
    this.name = name;
    this.values = withRedactedInspection({ ...values });
  }

  /** The variable names looked up for `key`, in order of precedence. */
  keysFor(key: string): string[] {
    const prefix = this.name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
    return prefix ? [`${prefix}_${key}`, key] : [key];
  }

  /** The name of the variable `key` is read from: the prefixed one where it is set. */
  source(key: string): string {
    return this.keysFor(key).find((name) => this.values[name] !== undefined) ?? key;
  }

  /** The value of `key` (application-prefixed first), or `fallback`. */
  get(key: string, fallback?: string): string | undefined {
    for (const name of this.keysFor(key)) {
      const value = this.values[name];
      if (value !== undefined) return value;
    }
    return fallback;
  }

  /**
   * The value of `key` parsed by `schema` (which sees `undefined` when the variable is unset).
   *
   * @throws {@link ConfigurationError} naming the variable and the problem; a bad value is
   *   quoted (a bounded prefix of it), unless the variable is a secret.
   */
  read<T>(key: string, schema: z.ZodType<T, unknown>): T {
    const name = this.source(key);
    const value = this.values[name];
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const problem = result.error.issues.map((issue) => issue.message).join("; ");
    throw new ConfigurationError(
      value === undefined
        ? `Environment variable '${name}' is not set: ${problem}`
        : `Environment variable '${name}' is invalid: ${describeValue(name, value)} (${problem})`,
    );
  }

  [inspect.custom](_depth: number, options: InspectOptions): string {
    return `Environment(${inspect(this.name)}) ${inspect(redactedValues(this.values), options)}`;
  }

  /** The name and the values, secrets redacted: what `JSON.stringify` shows. */
  toJSON(): { name: string; values: Record<string, string> } {
    return { name: this.name, values: redactedValues(this.values) };
  }
}

/** A bad value as an error shows it: described if secret, else quoted (a bounded prefix). */
export function describeValue(name: string, value: string): string {
  if (isSecretVariable(name)) return `a secret of ${value.length} characters`;
  return JSON.stringify(bounded(withoutUrlPassword(value)));
}

/** At most the first few characters of a value, and its length if it is longer. */
export function bounded(value: string): string {
  return value.length > QUOTED_LENGTH
    ? `${value.slice(0, QUOTED_LENGTH)}… (${value.length} characters)`
    : value;
}

/**
 * Parses options given in code with the adapter's schema, failing as a bad variable does: a
 * `ConfigurationError` naming the option and the problem, quoting the value only in part.
 */
export function parseOptions<T>(schema: z.ZodType<T, unknown>, options: unknown, owner: string): T {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join(".");
    const value = key ? (options as Record<string, unknown> | undefined)?.[key] : options;
    const shown =
      value === undefined
        ? "not given"
        : typeof value === "string" || isSecretVariable(key)
          ? describeValue(key, String(value))
          : bounded(String(JSON.stringify(value)));
    return key
      ? `option '${key}' of ${owner} is invalid: ${shown} (${issue.message})`
      : `${owner} options are invalid: ${issue.message}`;
  });
  throw new ConfigurationError(problems.join("; "));
}

/**
 * A schema for an optional variable: unset or blank gives `fallback`; otherwise `parse` gives
 * the value, or `undefined` when the text is invalid, which is reported as `expected`.
 */
function optionalValue<T, F>(
  fallback: F,
  expected: string,
  parse: (text: string) => T | undefined,
) {
  return z
    .string()
    .optional()
    .transform((value, ctx): T | F => {
      if (value === undefined || value.trim() === "") return fallback;
      const parsed = parse(value.trim());
      if (parsed === undefined) {
        ctx.addIssue({ code: "custom", message: expected });
        return z.NEVER;
      }
      return parsed;
    });
}

/** zod schemas for environment values. */
export const envSchemas = {
  /** strtobool rules; unset gives `fallback`. */
  boolean(fallback: boolean) {
    return optionalValue(
      fallback,
      "expected a boolean: y, yes, t, true, on, 1, n, no, f, false, off or 0",
      (text) => {
        try {
          return strtobool(text);
        } catch {
          return undefined;
        }
      },
    );
  },
  /** A whole number in decimal digits (unset or blank gives `fallback`). */
  integer(
    fallback: number | undefined,
    { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = {},
  ) {
    const hasMin = min > Number.MIN_SAFE_INTEGER;
    const hasMax = max < Number.MAX_SAFE_INTEGER;
    const range =
      hasMin && hasMax
        ? ` from ${min} to ${max}`
        : hasMin
          ? ` >= ${min}`
          : hasMax
            ? ` <= ${max}`
            : "";
    return optionalValue(fallback, `expected an integer${range} or an empty string`, (text) => {
      // Decimal digits only: Number() would also take "0x10", "1e3" and "0b1".
      if (!/^[+-]?\d+$/.test(text)) return undefined;
      const n = Number(text);
      return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
    });
  },
  /** A number (unset or blank gives `fallback`). */
  number(fallback: number | undefined) {
    return optionalValue(fallback, "expected a number or an empty string", (text) => {
      const n = Number(text);
      return Number.isFinite(n) ? n : undefined;
    });
  },
  /** A required non-empty string. */
  required(description: string) {
    return z
      .string({ error: `${description} is required` })
      .refine((value) => value.trim() !== "", { message: `${description} must not be empty` });
  },
  /**
   * Trimmed text, normalised (e.g. upper-cased), then checked by `schema`; unset or blank
   * gives `fallback`.
   */
  text<T>(
    fallback: string,
    schema: z.ZodType<T, string>,
    normalise: (text: string) => string = (text) => text,
  ) {
    return z
      .string()
      .optional()
      .transform((value) =>
        value === undefined || value.trim() === "" ? fallback : normalise(value.trim()),
      )
      .pipe(schema);
  },
  /** An optional string (blank counts as unset). */
  optional() {
    return z
      .string()
      .optional()
      .transform((value) => (value === undefined || value.trim() === "" ? undefined : value));
  },
};
