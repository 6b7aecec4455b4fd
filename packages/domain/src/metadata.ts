/**
 * `Symbol.metadata` for runtimes that lack it (Node 20). Decorators record the events they
 * declare in the class's decorator metadata; compilers that lower decorators only attach that
 * metadata when the symbol exists, so it must exist before any aggregate class is defined.
 * `Symbol.for("Symbol.metadata")` is the fallback esbuild and TypeScript helpers agree on.
 */
const symbols = Symbol as { metadata?: symbol };
symbols.metadata ??= Symbol.for("Symbol.metadata");

export const METADATA: symbol = symbols.metadata;
