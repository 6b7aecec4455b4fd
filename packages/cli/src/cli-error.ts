/**
 * What a command reports when it can't do its work: one line for the user (never a stack
 * trace, unless `--debug`) and the exit status scripts see.
 */

import { EventSourcingError, nameErrorClass } from "@es/domain";

/** The exit statuses of `es`. */
export const EXIT = {
  /** Done (for `verify`: the store is intact). */
  ok: 0,
  /** `verify` found violations. */
  violations: 1,
  /** The command could not run: bad input, a store that can't be opened or read. */
  failed: 2,
} as const;

/** A failure explained in one line, with the exit status it ends the command with. */
export class CliError extends EventSourcingError {
  /** The process's exit status. */
  readonly exitCode: number;

  constructor(
    message: string,
    options: { readonly exitCode?: number; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? EXIT.failed;
  }
}

nameErrorClass(CliError, "CliError");
