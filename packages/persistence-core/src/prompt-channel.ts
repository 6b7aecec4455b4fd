/**
 * Prompts between processes: "application X has new notifications". A store that processes
 * share may carry them (PostgreSQL's LISTEN/NOTIFY); followers in other processes then pull at
 * once instead of at their next poll. Prompts are hints: one may be lost (a dropped
 * connection, a process that ends between its commit and its prompt), so followers still poll.
 */
export interface PromptChannel {
  /** Tells the listeners in every process that `applicationName` has new notifications. */
  publish(applicationName: string): Promise<void>;
  /**
   * Calls `listener` with each application name published among `applicationNames`, until the
   * returned function is called. Resolves once listening.
   */
  subscribe(
    applicationNames: readonly string[],
    listener: (applicationName: string) => void,
  ): Promise<() => Promise<void>>;
}
