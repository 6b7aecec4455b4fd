/**
 * A follower's loop: it waits for prompts, then pulls and processes what each prompted
 * application has new. Prompts coalesce: a loop prompted many times while busy pulls once more
 * when it is free. A failure stops the loop and is handed to `onError`.
 */
import { type EventProcessingError, processingFailed } from "./errors.js";
import type { Follower } from "./follower.js";
import type { Promptable } from "./promptable.js";

export class FollowerLoop implements Promptable {
  readonly app: Follower;
  readonly #prompted = new Set<string>();
  readonly #onError: (error: EventProcessingError) => void;
  #wake: (() => void) | undefined;
  #stopping = false;
  #busy = false;
  #done: Promise<void> = Promise.resolve();

  constructor(app: Follower, onError: (error: EventProcessingError) => void) {
    this.app = app;
    this.#onError = onError;
  }

  /** Notes the name (once) and wakes the loop; returns at once. */
  async receivePrompt(leaderName: string): Promise<void> {
    if (this.#stopping) return;
    this.#prompted.add(leaderName);
    this.#wake?.();
  }

  /** Whether the loop has nothing to do. */
  get isIdle(): boolean {
    return !this.#busy && this.#prompted.size === 0;
  }

  start(): void {
    this.#done = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      if (this.#prompted.size === 0) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      const names = [...this.#prompted];
      this.#prompted.clear();
      this.#busy = true;
      try {
        for (const name of names) {
          if (this.#stopping) break;
          await this.app.pullAndProcess(name);
        }
      } catch (error) {
        this.#stopping = true;
        this.#prompted.clear();
        this.#onError(processingFailed(this.app.name, error));
      } finally {
        this.#busy = false;
      }
    }
  }

  /** Stops after the notification being processed, if any. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#done;
  }
}
