/**
 * Versioning: a class declares `static classVersion = n` and static
 * `upcastV1V2(state)`, `upcastV2V3(state)`, … functions; state recorded by an older version of
 * the class is brought forward one version at a time before the class reconstructs it.
 * Recorded state carries its class version under `classVersion` when it is above 1.
 */
import type { Callable } from "./types.js";

/** The key under which recorded state carries the version of the class that recorded it. */
export const CLASS_VERSION_KEY = "classVersion";

type Upcaster = (state: Record<string, unknown>) => Record<string, unknown> | undefined;

/** The class version of a class (1 unless it declares `static classVersion`). */
export function classVersionOf(cls: Callable): number {
  const version = (cls as { classVersion?: unknown }).classVersion;
  return typeof version === "number" ? version : 1;
}

/**
 * Brings recorded state up to the current version of `cls`. The state is modified in place
 * (an upcaster may also return a replacement object); the `classVersion` key is removed.
 */
export function upcast(cls: Callable, state: Record<string, unknown>): Record<string, unknown> {
  const recorded = state[CLASS_VERSION_KEY];
  // `delete` is costly on the hot path; most recorded state has no class version.
  if (recorded !== undefined) delete state[CLASS_VERSION_KEY];
  let from = typeof recorded === "number" ? recorded : 1;
  const to = classVersionOf(cls);
  if (from === to) return state;
  if (from > to) {
    throw new TypeError(
      `${cls.name} is at class version ${to} but the recorded state is from version ${from}`,
    );
  }
  let current = state;
  while (from < to) {
    const name = `upcastV${from}V${from + 1}`;
    const upcaster: unknown = Reflect.get(cls, name);
    if (typeof upcaster !== "function") {
      throw new TypeError(
        `${cls.name} has classVersion ${to} but no static ${name}() to upcast recorded state from version ${from}`,
      );
    }
    current = (upcaster as Upcaster).call(cls, current) ?? current;
    from++;
  }
  return current;
}
