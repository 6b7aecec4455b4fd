/**
 * SQL statements written as text, with their parameters in the same template: each
 * `${parameter}` is a function of a call's arguments, and compiling writes the dialect's
 * placeholder where it stands and keeps the function in the same place of the values. The
 * placeholders and the values are made together, so no parameter order is matched by hand.
 */

/** A parameter of a statement: how a call's arguments give its value. */
export type Parameter<in A> = (args: A) => unknown;

/** What a `sql` template interpolates: a parameter, or a part of a statement. */
export type SqlPart<A> = Parameter<A> | Sql<A>;

/**
 * How a dialect writes its parameters: `?` (SQLite) or `$1`, `$2`, … (PostgreSQL). A numbered
 * placeholder names its value, so a parameter used twice is written with its first number and
 * given once; a `?` is given its value again each time it stands.
 */
export interface ParameterStyle {
  /** The placeholder of the value at this position of the values (from 1). */
  placeholder(position: number): string;
  /** Whether placeholders name their position (`$1`), rather than take the next value (`?`). */
  readonly numbered: boolean;
}

/** `?` for each parameter, as SQLite takes them. */
export const QUESTION_MARKS: ParameterStyle = Object.freeze({
  placeholder: () => "?",
  numbered: false,
});

/** `$1`, `$2`, …, as PostgreSQL takes them. */
export const DOLLAR_NUMBERS: ParameterStyle = Object.freeze({
  placeholder: (position: number) => `$${position}`,
  numbered: true,
});

/**
 * A statement compiled for one parameter style: its text, and how a call's arguments give the
 * values of its placeholders.
 */
export interface Statement<in A> {
  /** The statement's text, with the style's placeholders. */
  readonly text: string;
  /** The values for the placeholders, in the order the driver takes them. */
  params(args: A): unknown[];
}

/**
 * SQL text with parameters that are not yet written as placeholders: a statement, or a part
 * of one. Made by the `sql` template and `raw`; `compile` writes it for a dialect.
 */
export class Sql<in A> {
  readonly #texts: readonly string[];
  readonly #parts: readonly SqlPart<A>[];

  constructor(texts: readonly string[], parts: readonly SqlPart<A>[]) {
    this.#texts = texts;
    this.#parts = parts;
  }

  /** The statement's text with `style`'s placeholders, and its parameters in their order. */
  compile(style: ParameterStyle): Statement<A> {
    const parameters: Parameter<A>[] = [];
    return new CompiledStatement(this.#write(style, parameters), parameters);
  }

  #write(style: ParameterStyle, parameters: Parameter<A>[]): string {
    let text = this.#texts[0] ?? "";
    this.#parts.forEach((part, index) => {
      if (part instanceof Sql) {
        text += part.#write(style, parameters);
      } else {
        const known = style.numbered ? parameters.indexOf(part) + 1 : 0;
        text += style.placeholder(known > 0 ? known : parameters.push(part));
      }
      text += this.#texts[index + 1] ?? "";
    });
    return text;
  }
}

class CompiledStatement<in A> implements Statement<A> {
  readonly text: string;
  readonly #parameters: readonly Parameter<A>[];

  constructor(text: string, parameters: readonly Parameter<A>[]) {
    this.text = text;
    this.#parameters = parameters;
  }

  params(args: A): unknown[] {
    return this.#parameters.map((parameter) => parameter(args));
  }
}

/**
 * A statement, or a part of one: the text as written, each interpolated function a parameter
 * and each interpolated `Sql` a part written in place. Other values can't be interpolated, so
 * a value never becomes text by mistake; text made elsewhere goes in through `raw`.
 *
 * @example
 * const byId = sql<{ id: string }>`SELECT * FROM "t" WHERE id = ${(a) => a.id}`;
 * byId.compile(DOLLAR_NUMBERS).text; // SELECT * FROM "t" WHERE id = $1
 */
export function sql<A = unknown>(texts: TemplateStringsArray, ...parts: SqlPart<A>[]): Sql<A> {
  return new Sql(texts, parts);
}

/**
 * Text written into a statement as it is: a keyword, a number, or a name that `identifier`
 * checked. Never a value from outside the program.
 */
export function raw(text: string): Sql<unknown> {
  return new Sql([text], []);
}
