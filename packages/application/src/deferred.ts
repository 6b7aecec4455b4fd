/**
 * An object whose async methods wait for their target to be ready: how an application's
 * repository, log and stores are usable straight after construction, while the
 * infrastructure behind them is still being built.
 */
type AsyncMethod = (...args: never[]) => Promise<unknown>;

/**
 * The methods of the target `wait` resolves to. Once `ready` gives the target, a call goes to
 * it at once, without waiting on a promise first (each wait costs a turn of the microtask queue
 * and an allocation, on every get and save).
 */
export function deferred<T extends object, K extends keyof T>(
  wait: () => Promise<T>,
  methods: readonly K[],
  ready: () => T | undefined = () => undefined,
): Pick<T, K> {
  const facade: Partial<Record<K, AsyncMethod>> = {};
  for (const name of methods) {
    facade[name] = (...args: never[]) => {
      const target = ready();
      if (target !== undefined) return (target[name] as AsyncMethod).apply(target, args);
      return wait().then((resolved) => (resolved[name] as AsyncMethod).apply(resolved, args));
    };
  }
  return facade as Pick<T, K>;
}
