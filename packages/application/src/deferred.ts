/**
 * An object whose async methods wait for their target to be ready: how an application's
 * repository, log and stores are usable straight after construction, while the
 * infrastructure behind them is still being built.
 */
type AsyncMethod = (...args: never[]) => Promise<unknown>;

export function deferred<T extends object, K extends keyof T>(
  target: () => Promise<T>,
  methods: readonly K[],
): Pick<T, K> {
  const facade: Partial<Record<K, AsyncMethod>> = {};
  for (const name of methods) {
    facade[name] = async (...args: never[]) => {
      const resolved = await target();
      return (resolved[name] as AsyncMethod).apply(resolved, args);
    };
  }
  return facade as Pick<T, K>;
}
