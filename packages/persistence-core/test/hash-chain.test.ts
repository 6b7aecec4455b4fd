/** The in-memory store runs the hash chain kit, edited as an intruder with its memory would. */
import {
  InMemoryAggregateRecorder,
  InMemoryApplicationRecorder,
  type Notification,
  notification,
  type SelectNotificationsOptions,
  type StoredEvent,
  storedEvent,
} from "../src/index.js";
import { type ChainTamper, describeHashChain } from "../src/testing/index.js";

type Sequences = Map<string, StoredEvent[]>;

/** Edits of an in-memory recorder's sequences, and of its log where it keeps one. */
class MemoryTamper implements ChainTamper {
  constructor(
    private readonly sequences: Sequences,
    private readonly versions: Map<string, Set<number>>,
    private readonly log?: { notifications: Notification[]; deleted: Set<number> },
  ) {}

  async setState(originatorId: string, version: number, state: Uint8Array) {
    this.#edit(originatorId, version, (record) => ({ ...record, state }));
  }

  async setTopic(originatorId: string, version: number, topic: string) {
    this.#edit(originatorId, version, (record) => ({ ...record, topic }));
  }

  async setHash(originatorId: string, version: number, hash: Uint8Array | null) {
    this.#edit(originatorId, version, ({ hash: _, ...record }) =>
      hash === null ? record : { ...record, hash },
    );
  }

  async swapVersions(originatorId: string, a: number, b: number) {
    const sequence = this.sequences.get(originatorId) ?? [];
    const first = sequence.find((e) => e.originatorVersion === a) as StoredEvent;
    const second = sequence.find((e) => e.originatorVersion === b) as StoredEvent;
    this.#edit(originatorId, a, () => ({ ...second, originatorVersion: a }));
    this.#edit(originatorId, b, () => ({ ...first, originatorVersion: b }));
  }

  async deleteEvent(originatorId: string, version: number) {
    const sequence = this.sequences.get(originatorId) ?? [];
    const record = sequence.find((e) => e.originatorVersion === version) as Notification;
    this.sequences.set(
      originatorId,
      sequence.filter((e) => e !== record),
    );
    this.versions.get(originatorId)?.delete(version);
    if (this.log) this.log.deleted.add(record.id);
  }

  #edit(originatorId: string, version: number, change: (record: StoredEvent) => StoredEvent) {
    const sequence = this.sequences.get(originatorId) ?? [];
    const index = sequence.findIndex((e) => e.originatorVersion === version);
    const record = sequence[index] as Notification;
    if (!this.log) {
      sequence[index] = storedEvent(change(record));
      return;
    }
    const edited = notification({ ...change(record), id: record.id });
    sequence[index] = edited;
    this.log.notifications[record.id - 1] = edited;
  }
}

/** An in-memory log with holes where notifications were deleted behind its back. */
class TamperedRecorder extends InMemoryApplicationRecorder {
  readonly deleted = new Set<number>();
  readonly tamper = new MemoryTamper(this.sequences, this.versions, {
    notifications: this.notifications,
    deleted: this.deleted,
  });

  override async selectNotifications(
    start: number,
    limit: number,
    options?: SelectNotificationsOptions,
  ): Promise<Notification[]> {
    const all = await super.selectNotifications(start, Number.MAX_SAFE_INTEGER, options);
    return all.filter((n) => !this.deleted.has(n.id)).slice(0, limit);
  }
}

class TamperedAggregateRecorder extends InMemoryAggregateRecorder {
  readonly tamper = new MemoryTamper(this.sequences, this.versions);
}

describeHashChain("InMemoryApplicationRecorder", async () => {
  const recorder = new TamperedRecorder();
  const checkpoints = new TamperedAggregateRecorder();
  return {
    recorder,
    tamper: recorder.tamper,
    checkpoints,
    checkpointTamper: checkpoints.tamper,
  };
});
