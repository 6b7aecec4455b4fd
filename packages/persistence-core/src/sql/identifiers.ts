/**
 * Names of tables (and schemas) made from configuration — an application's name above all — so
 * checked to be plain identifiers before they reach any SQL: letters, digits and underscores,
 * not starting with a digit, at most 63 characters (PostgreSQL's limit, kept for SQLite too so
 * that an application's tables can move between them). Checked names are lower-cased.
 */
import { ProgrammingError } from "../errors.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** At most this much of a bad name is quoted in an error. */
const QUOTED_LENGTH = 80;

/** Whether `name` is a plain identifier (of any case). */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * `name`, lower-cased, once checked to be a plain identifier.
 *
 * @param what - what the name names, for the error: "table name" unless given.
 * @throws ProgrammingError naming the name (its first 80 characters) if it isn't one.
 */
export function identifier(name: string, what = "table name"): string {
  if (!isIdentifier(name)) {
    throw new ProgrammingError(
      `Invalid ${what} '${name.slice(0, QUOTED_LENGTH)}': names are made of letters, digits and underscores, start with a letter or underscore, and have at most 63 characters`,
    );
  }
  return name.toLowerCase();
}

/** The prefix of an application's tables: its name, or "stored" when it has none. */
export function tablePrefix(applicationName: string): string {
  return applicationName.trim() === "" ? "stored" : applicationName;
}

/**
 * The table of an application's records for a purpose (`events`, `snapshots`, `tracking`):
 * `worlds_events`.
 *
 * @throws ProgrammingError naming the table if the name isn't a plain identifier.
 */
export function tableName(prefix: string, purpose: string): string {
  return identifier(`${prefix}_${purpose}`);
}
