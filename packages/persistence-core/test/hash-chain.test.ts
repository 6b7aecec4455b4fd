/** The in-memory store runs the hash chain kit, edited as an intruder with its memory would. */
import {
  InMemoryApplicationRecorder,
  type Notification,
  notification,
  type StoredEvent,
} from "../src/index.js";
import { type ChainTamper, describeHashChain } from "../src/testing/index.js";

/** An in-memory recorder whose records can be edited behind its back. */
class TamperedRecorder extends InMemoryApplicationRecorder implements ChainTamper {
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
    const first = sequence.find((e) => e.originatorVersion === a) as Notification;
    const second = sequence.find((e) => e.originatorVersion === b) as Notification;
    this.#edit(originatorId, a, () => ({ ...second, id: first.id, originatorVersion: a }));
    this.#edit(originatorId, b, () => ({ ...first, id: second.id, originatorVersion: b }));
  }

  async deleteEvent(originatorId: string, version: number) {
    const sequence = this.sequences.get(originatorId) ?? [];
    this.sequences.set(
      originatorId,
      sequence.filter((e) => e.originatorVersion !== version),
    );
  }

  #edit(originatorId: string, version: number, change: (record: Notification) => StoredEvent) {
    const sequence = this.sequences.get(originatorId) ?? [];
    const index = sequence.findIndex((e) => e.originatorVersion === version);
    const record = sequence[index] as Notification;
    const edited = notification({ ...change(record), id: record.id });
    sequence[index] = edited;
    this.notifications[record.id - 1] = edited;
  }
}

describeHashChain("InMemoryApplicationRecorder", async () => {
  const recorder = new TamperedRecorder();
  return { recorder, tamper: recorder };
});
