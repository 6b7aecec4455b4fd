/** Reflective types shared by the modules that inspect classes and functions. */

/**
 * Any function or class: what topics, signatures and owners are kept for. `typeof x ===
 * "function"` and `obj.constructor` both give `Function`, so that is the honest type here.
 */
// biome-ignore lint/complexity/noBannedTypes: reflective code accepts any function or class.
export type Callable = Function;
