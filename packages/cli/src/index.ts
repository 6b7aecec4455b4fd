/**
 * @es/cli — `es`, a command line for operating the event store of an es application: what it
 * holds (`info`), its notification log (`log`, `--follow`), an aggregate's history (`history`)
 * and its integrity (`verify`). Configured exactly as the application is, by its variables.
 */
export { CliError, EXIT } from "./cli-error.js";
export type { CliProjection } from "./commands/projection.js";
export type { CliIo, Output } from "./io.js";
export { main } from "./program.js";
