/**
 * Application environment: configuration read from variables, where a variable prefixed with
 * the upper-cased application name (`WORLDS_SQLITE_DBNAME`) wins over the plain one
 * (`SQLITE_DBNAME`). Values are validated with zod; an invalid value fails at once with an
 * error naming the variable it came from.
 */
import { strtobool } from "@es/domain";
import { z } from "zod";
import { ConfigurationError } from "./errors.js";

export type EnvValues = Readonly<Record<string, string | undefined>>;

export class Environment {
  readonly name: string;
  readonly values: EnvValues;

  constructor(name = "", values: EnvValues = {}) {
    this.name = name;
    this.values = values;
  }

  /** The variable names looked up for `key`, in order of precedence. */
  keysFor(key: string): string[] {
    const prefix = this.name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
    return prefix ? [`${prefix}_${key}`, key] : [key];
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
   * Throws `ConfigurationError` naming the variable and the problem.
   */
  read<T>(key: string, schema: z.ZodType<T, unknown>): T {
    const name = this.keysFor(key).find((k) => this.values[k] !== undefined) ?? key;
    const value = this.values[name];
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const problem = result.error.issues.map((issue) => issue.message).join("; ");
    throw new ConfigurationError(
      value === undefined
        ? `Environment variable '${name}' is not set: ${problem}`
        : `Environment variable '${name}' is invalid: ${JSON.stringify(value)} (${problem})`,
    );
  }
}

/** zod schemas for environment values. */
export const envSchemas = {
  /** strtobool rules; unset gives `fallback`. */
  boolean(fallback: boolean) {
    return z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value.trim() === "") return fallback;
        try {
          return strtobool(value.trim());
        } catch {
          ctx.addIssue({
            code: "custom",
            message: "expected a boolean: y, yes, t, true, on, 1, n, no, f, false, off or 0",
          });
          return z.NEVER;
        }
      });
  },
  /** A whole number (unset or blank gives `fallback`). */
  integer(fallback: number | undefined, { min = Number.MIN_SAFE_INTEGER } = {}) {
    return z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value.trim() === "") return fallback;
        const n = Number(value.trim());
        if (!Number.isInteger(n) || n < min) {
          ctx.addIssue({
            code: "custom",
            message: `expected an integer${min > 0 ? ` >= ${min}` : ""} or an empty string`,
          });
          return z.NEVER;
        }
        return n;
      });
  },
  /** A number (unset or blank gives `fallback`). */
  number(fallback: number | undefined) {
    return z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value.trim() === "") return fallback;
        const n = Number(value.trim());
        if (!Number.isFinite(n)) {
          ctx.addIssue({ code: "custom", message: "expected a number or an empty string" });
          return z.NEVER;
        }
        return n;
      });
  },
  /** A required non-empty string. */
  required(description: string) {
    return z
      .string({ error: `${description} is required` })
      .refine((value) => value.trim() !== "", { message: `${description} must not be empty` });
  },
  /** An optional string (blank counts as unset). */
  optional() {
    return z
      .string()
      .optional()
      .transform((value) => (value === undefined || value.trim() === "" ? undefined : value));
  },
};
