/**
 * The checkpointer: a reader of an application's notification log that keeps its running
 * hash and adds a signed checkpoint every so many notifications. It reads the log as any
 * subscriber does (in id order, missing none), so writers never wait for it; two checkpointers
 * of one store can't both add a checkpoint (the second is refused, and reads on from the
 * first's).
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import {
  type Checkpoint,
  type CheckpointStore,
  checkpointSigned,
  signCheckpoint,
} from "./checkpoints.js";
import { DataError, IntegrityError } from "./errors.js";
import { LOG_START, LogHasher, type LogPosition } from "./log-hash.js";
import type { ApplicationRecorder } from "./recorders.js";
import type { Notification } from "./records.js";

/** Notifications read at a time. */
const PAGE_SIZE = 1000;

/** What a checkpointer is made of. */
export interface CheckpointerOptions {
  /** The application whose log is checkpointed. */
  readonly applicationName: string;
  /** Its recorder. */
  readonly recorder: ApplicationRecorder;
  /** Where its checkpoints are kept. */
  readonly checkpoints: CheckpointStore;
  /** The Ed25519 private key that signs them (see `signingKey`). */
  readonly signingKey: KeyObject;
  /** Notifications per checkpoint (default 1000). */
  readonly every?: number | undefined;
}

/**
 * Adds signed checkpoints of an application's notification log: `catchUp()` reads to the end
 * of the log, `follow()` goes on as new notifications are recorded.
 *
 * @example
 * ```ts
 * const checkpointer = new Checkpointer({ applicationName: "Worlds", recorder, checkpoints, signingKey });
 * await checkpointer.catchUp({ final: true }); // a checkpoint at the end of the log too
 * ```
 */
export class Checkpointer {
  readonly #options: CheckpointerOptions;
  readonly #every: number;
  readonly #publicKey: KeyObject;

  constructor(options: CheckpointerOptions) {
    const every = options.every ?? 1000;
    if (!Number.isSafeInteger(every) || every < 1) {
      throw new RangeError(
        `a checkpoint every ${every} notifications: expected a whole number from 1`,
      );
    }
    this.#options = options;
    this.#every = every;
    this.#publicKey = createPublicKey(options.signingKey);
  }

  /**
   * Reads the log from the last checkpoint to its end, adding a checkpoint every `every`
   * notifications and, with `final`, one at the end. Resolves to the checkpoints it added.
   *
   * @throws DataError if the last stored checkpoint can't be read or isn't signed by this key:
   *   the log is not hashed on from a checkpoint that can't be trusted.
   */
  async catchUp({ final = false }: { final?: boolean } = {}): Promise<Checkpoint[]> {
    const added: Checkpoint[] = [];
    for (;;) {
      const run = await this.#run((after) => this.#pagesFrom(after), final);
      added.push(...run.added);
      if (!run.refused) return added;
    }
  }

  /**
   * Follows the log as it grows, adding a checkpoint every `every` notifications, until the
   * signal aborts.
   *
   * @throws DataError as `catchUp` does.
   */
  async follow({ signal }: { signal: AbortSignal }): Promise<void> {
    while (!signal.aborted) {
      const run = await this.#run(
        (after) => this.#options.recorder.subscribePages({ after, signal }),
        false,
      );
      if (!run.refused) return;
    }
  }

  /**
   * Hashes the pages from the last checkpoint on, adding a checkpoint every `every`
   * notifications (and, if `final`, one at the end): the checkpoints added, and whether
   * another checkpointer added one first (then the run stops, to start again from it).
   */
  async #run(
    pages: (after: number) => AsyncIterable<readonly Notification[]>,
    final: boolean,
  ): Promise<{ added: Checkpoint[]; refused: boolean }> {
    const { last, hasher } = await this.#resume();
    const added: Checkpoint[] = [];
    let position = last;
    let count = 0;
    const add = async () => {
      const checkpoint = await this.#add(position, hasher);
      if (checkpoint) {
        added.push(checkpoint);
        position = checkpoint;
        count = 0;
      }
      return checkpoint !== undefined;
    };
    for await (const page of pages(position.notificationId)) {
      for (const notification of page) {
        hasher.add(notification);
        count += 1;
        if (count === this.#every && !(await add())) return { added, refused: true };
      }
    }
    if (final && count > 0 && !(await add())) return { added, refused: true };
    return { added, refused: false };
  }

  /** The log's pages after `after`, to its end. */
  async *#pagesFrom(after: number): AsyncIterable<readonly Notification[]> {
    for (let start = after + 1; ; ) {
      const page = await this.#options.recorder.selectNotifications(start, PAGE_SIZE);
      yield page;
      const last = page.at(-1);
      if (page.length < PAGE_SIZE || !last) return;
      start = last.id + 1;
    }
  }

  /** Where the last checkpoint left the log, checked to be this key's. */
  async #resume(): Promise<{ last: LogPosition & { sequence: number }; hasher: LogHasher }> {
    const { applicationName, checkpoints } = this.#options;
    const stored = await checkpoints.last();
    if (stored === undefined) {
      return { last: { ...LOG_START, sequence: 0 }, hasher: new LogHasher(applicationName) };
    }
    if ("problem" in stored) {
      throw new DataError(
        `Checkpoint ${stored.sequence} of application ${applicationName} can't be read: ${stored.problem}`,
      );
    }
    const { checkpoint } = stored;
    if (
      checkpoint.applicationName !== applicationName ||
      !checkpointSigned(checkpoint, this.#publicKey)
    ) {
      throw new DataError(
        `Checkpoint ${stored.sequence} of application ${applicationName} is not signed by this key: verify the store before checkpointing it`,
      );
    }
    return { last: checkpoint, hasher: new LogHasher(applicationName, checkpoint) };
  }

  /** Signs and stores the next checkpoint; undefined if another checkpointer stored it first. */
  async #add(
    previous: LogPosition & { sequence: number },
    hasher: LogHasher,
  ): Promise<Checkpoint | undefined> {
    const checkpoint = signCheckpoint(
      {
        ...hasher.position(),
        applicationName: this.#options.applicationName,
        sequence: previous.sequence + 1,
      },
      this.#options.signingKey,
    );
    try {
      await this.#options.checkpoints.put(checkpoint);
      return checkpoint;
    } catch (error) {
      if (error instanceof IntegrityError) return undefined;
      throw error;
    }
  }
}
