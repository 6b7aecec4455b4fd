/**
 * Where a command writes: data to `stdout`, progress and messages to `stderr`, each knowing
 * whether it is a terminal (bars and colour only on one, and never with `NO_COLOR`).
 */

/** A stream a command writes text to. */
export interface Output {
  /** Writes the text as it is (lines end with their own newline). */
  write(text: string): unknown;
  /** Whether the stream is a terminal. */
  readonly isTTY?: boolean | undefined;
  /** The terminal's width in columns, if it is one. */
  readonly columns?: number | undefined;
}

/** The streams, environment and folder a command runs with. */
export interface CliIo {
  /** Where data goes (tables, JSON lines). */
  readonly stdout: Output;
  /** Where progress and messages go. */
  readonly stderr: Output;
  /** The environment (default: `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder relative paths are resolved from (default: the working directory). */
  readonly cwd: string;
  /** Ends a command that runs until stopped (`log --follow`), as Ctrl-C does. */
  readonly signal?: AbortSignal | undefined;
}

/** Whether `output` may show colour and progress bars. */
export function isInteractive(output: Output, env: CliIo["env"]): boolean {
  return output.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "");
}
