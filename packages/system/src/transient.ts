/** Telling a failure that may pass by itself from one that won't. */
import { OperationalError } from "@es/persistence-core";

/**
 * Whether an error may pass by itself (a connection lost, a database busy or down): the store
 * says so with an `OperationalError`, anywhere in the chain of causes. What was being processed
 * was not recorded, so processing it again is safe.
 */
export function isTransient(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 10; depth++) {
    if (cause instanceof OperationalError) return true;
    cause = cause.cause;
  }
  return false;
}
