/**
 * @es/domain/testing — what tests need of the domain. Topics are global and one topic names one
 * class for the life of the process, which is right for an application and awkward for a test
 * file whose tests each define their own `class Order`, or a test that simulates a redeployment
 * (a new class under an old topic). A topic scope gives each test a registry of its own making:
 * what it registers is forgotten when it ends.
 */
import { markTopics } from "./topics.js";

/** A scope of topics: `end()` forgets every topic and class registered since it began. */
export interface TopicScope {
  /** Forgets what was registered in the scope; again, nothing. */
  end(): void;
}

/**
 * Begins a scope of topics: what is registered from now on (classes, their nested event
 * classes, aliases) is forgotten by `end()`, so a later class may take the same topics.
 *
 * @example
 * ```ts
 * let scope: TopicScope;
 * beforeEach(() => { scope = topicScope(); });
 * afterEach(() => scope.end());
 * ```
 */
export function topicScope(): TopicScope {
  let forget: (() => void) | undefined = markTopics();
  return {
    end() {
      forget?.();
      forget = undefined;
    },
  };
}

/**
 * Runs `body` in a scope of topics, ended when it returns or its promise settles.
 *
 * @example
 * ```ts
 * await withTopicScope(async () => {
 *   @aggregate("Order") class Order extends Aggregate {}
 *   // …
 * });
 * ```
 * @returns what `body` returns.
 */
export function withTopicScope<T>(body: () => T): T {
  const scope = topicScope();
  let result: T;
  try {
    result = body();
  } catch (error) {
    scope.end();
    throw error;
  }
  if (result instanceof Promise) {
    return result.finally(() => scope.end()) as T;
  }
  scope.end();
  return result;
}
