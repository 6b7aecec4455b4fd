/**
 * Comparing many events' hashes at once, beside the reading: a verify gathers each page's
 * comparisons (what each hash is taken of, and the hash stored) and a worker thread hashes them
 * while the next page is read. Each comparison needs only stored data (an event and the hash
 * stored for its predecessor), so none waits for another, and a verify reads at the speed of
 * the store rather than of hashing one event after another. A log of one page is hashed here.
 */
import { hash } from "node:crypto";
import { Worker } from "node:worker_threads";
import { hashInputLength, writeHashInput } from "./event-hashes.js";
import { HASH_LENGTH } from "./hash-checks.js";
import type { StoredEvent } from "./records.js";

/** A page's comparisons: what each hash is taken of, end to end, and the hashes stored. */
interface Batch {
  readonly input: Buffer;
  readonly ends: Uint32Array;
  readonly expected: Buffer;
}

/** The worker: hashes each input of a batch and answers with the indices that don't match. */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { hash } = require("node:crypto");
parentPort.on("message", ({ id, input, ends, expected }) => {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const stored = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  const mismatched = [];
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const digest = hash("sha256", bytes.subarray(start, ends[i]), "buffer");
    if (digest.compare(stored, i * ${HASH_LENGTH}, (i + 1) * ${HASH_LENGTH}) !== 0) mismatched.push(i);
    start = ends[i];
  }
  parentPort.postMessage({ id, mismatched });
});
`;

/** The indices of a batch's comparisons whose hash doesn't match, hashed in this thread. */
function mismatchedHere({ input, ends, expected }: Batch): number[] {
  const mismatched: number[] = [];
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const digest = hash("sha256", input.subarray(start, ends[i]), "buffer");
    if (digest.compare(expected, i * HASH_LENGTH, (i + 1) * HASH_LENGTH) !== 0) mismatched.push(i);
    start = ends[i] as number;
  }
  return mismatched;
}

/**
 * Gathers comparisons of events' hashes, a page at a time, and reports the events whose hash
 * doesn't match: `add` each, `flush` at the end of a page, `done` at the end of the walk.
 */
export class HashChecker<E extends StoredEvent> {
  readonly #onMismatch: (event: E) => void;
  #inputs: { previous: Uint8Array; event: E }[] = [];
  #worker: Worker | undefined;
  #pages = 0;
  #nextId = 0;
  readonly #waiting = new Map<
    number,
    { events: E[]; resolve: () => void; reject: (e: unknown) => void }
  >();
  readonly #inFlight: Promise<void>[] = [];

  constructor(onMismatch: (event: E) => void) {
    this.#onMismatch = onMismatch;
  }

  /** An event to compare: its hash must be that of what it says, after `previous`. */
  add(previous: Uint8Array, event: E): void {
    this.#inputs.push({ previous, event });
  }

  /**
   * Sends the page's comparisons off (to the worker, made for a log of more than one page), or
   * hashes them here; keeps at most two pages in flight, so that reading waits no more than
   * one page for hashing.
   */
  async flush(): Promise<void> {
    const inputs = this.#inputs;
    this.#inputs = [];
    if (inputs.length === 0) return;
    const batch = packed(inputs);
    const events = inputs.map((input) => input.event);
    this.#pages += 1;
    if (this.#pages === 1) {
      // The first page is hashed here: a log of one page needs no worker.
      for (const i of mismatchedHere(batch)) this.#onMismatch(events[i] as E);
      return;
    }
    this.#worker ??= this.#start();
    const id = this.#nextId++;
    const done = new Promise<void>((resolve, reject) => {
      this.#waiting.set(id, { events, resolve, reject });
    });
    this.#worker.postMessage(
      { id, input: batch.input, ends: batch.ends, expected: batch.expected },
      [batch.input.buffer, batch.ends.buffer, batch.expected.buffer] as ArrayBuffer[],
    );
    this.#inFlight.push(done);
    if (this.#inFlight.length > 1) await this.#inFlight.shift();
  }

  /** Waits for every comparison sent, then ends the worker. */
  async done(): Promise<void> {
    try {
      await this.flush();
      await Promise.all(this.#inFlight.splice(0));
    } finally {
      await this.end();
    }
  }

  /** Ends the worker, if there is one, whatever is in flight. */
  async end(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on("message", ({ id, mismatched }: { id: number; mismatched: number[] }) => {
      const waiting = this.#waiting.get(id);
      if (!waiting) return;
      this.#waiting.delete(id);
      for (const i of mismatched) this.#onMismatch(waiting.events[i] as E);
      waiting.resolve();
    });
    worker.on("error", (error) => {
      for (const waiting of this.#waiting.values()) waiting.reject(error);
      this.#waiting.clear();
    });
    return worker;
  }
}

/** A page's comparisons laid out for hashing: inputs end to end, and the hashes stored. */
function packed(inputs: readonly { previous: Uint8Array; event: StoredEvent }[]): Batch {
  let size = 0;
  for (const { previous, event } of inputs) size += hashInputLength(previous, event);
  // Not from Buffer's pool: each batch's memory is handed over to the worker whole.
  const input = Buffer.from(new ArrayBuffer(size));
  const ends = new Uint32Array(inputs.length);
  const expected = Buffer.from(new ArrayBuffer(inputs.length * HASH_LENGTH));
  let offset = 0;
  inputs.forEach(({ previous, event }, i) => {
    offset = writeHashInput(input, offset, previous, event);
    ends[i] = offset;
    expected.set(event.hash as Uint8Array, i * HASH_LENGTH);
  });
  return { input, ends, expected };
}
