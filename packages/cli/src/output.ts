/**
 * How data is printed: a table for people (cli-table3), or one JSON object per line with
 * `--json` for scripts. Either way to stdout; nothing else goes there.
 */
import Table from "cli-table3";
import { type CliIo, isInteractive } from "./io.js";

/** A table's rows: each a record of the columns' values, in the columns' order. */
export type Rows = readonly Readonly<Record<string, unknown>>[];

/** Prints rows as a table with the given columns (every key of the first row by default). */
export function printTable(io: CliIo, rows: Rows, columns?: readonly string[]): void {
  const head = columns ?? Object.keys(rows[0] ?? {});
  const colour = isInteractive(io.stdout, io.env);
  const table = new Table({
    head: [...head],
    // Colour only on a terminal; cli-table3 colours the head and the border by default.
    style: colour ? { head: ["cyan"], border: ["grey"] } : { head: [], border: [] },
    wordWrap: true,
    // A line between the head and the rows, none between rows: a log reads as a list.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const row of rows) table.push(head.map((column) => shown(row[column])));
  io.stdout.write(`${table.toString()}\n`);
}

/** Prints `label: value` lines, aligned, for one record. */
export function printFields(io: CliIo, fields: Readonly<Record<string, unknown>>): void {
  const width = Math.max(...Object.keys(fields).map((key) => key.length));
  for (const [key, value] of Object.entries(fields)) {
    io.stdout.write(`${`${key}:`.padEnd(width + 2)}${shown(value)}\n`);
  }
}

/** Prints one JSON value on a line of its own. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
