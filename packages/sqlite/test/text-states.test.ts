/**
 * An application on SQLite reads an aggregate's states as text where that is all it needs, and
 * as bytes where it isn't (a compressor, a hash chain): the same aggregates either way.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApplicationOptions } from "@es/application";
import { Application } from "@es/application";
import { Aggregate, aggregate, event } from "@es/domain";
import type { Compressor } from "@es/persistence-core";
import { afterAll, expect, it } from "vitest";
import type { SqliteApplicationRecorder } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "es-sqlite-text-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

@aggregate("TextStates.Ledger")
class Ledger extends Aggregate {
  entries: unknown[] = [];
  constructor(readonly owner: string) {
    super();
  }
  @event("Entered")
  enter(entry: unknown) {
    this.entries.push(entry);
  }
}

class Ledgers extends Application {}

/** A compressor that reverses the bytes: states that aren't their transcoder's text. */
const reversing: Compressor = {
  compress: (data) => Uint8Array.from(data).reverse(),
  decompress: (data) => Uint8Array.from(data).reverse(),
};

const ENTRIES: unknown[] = [
  "Zoë ✓ 𝄞 \u0000 \uFFFD",
  10n ** 30n,
  new Date("2026-12-07T10:00:00.123Z"),
  new Map<string, unknown>([["a", new Set([1, 2])]]),
  { nested: [{ deeper: -0 }, Number.NaN] },
  Uint8Array.from([0, 255, 128]),
];

/** Saves a ledger, then gets it again: which select each get read through, and what it got. */
async function roundTrip(env: Record<string, string>, options: ApplicationOptions = {}) {
  const app = new Ledgers({
    ...options,
    env: {
      INFRASTRUCTURE_FACTORY: "@es/sqlite",
      SQLITE_DBNAME: join(dir, `${++files}.db`),
      ...env,
    },
  });
  await app.ready;
  try {
    const ledger = Ledger.create("Ann");
    for (const entry of ENTRIES) ledger.enter(entry);
    await app.save(ledger);
    const recorder = app.recorder as SqliteApplicationRecorder;
    const reads = { bytes: 0, text: 0 };
    const { selectEvents, selectEventsAsText } = recorder;
    recorder.selectEvents = (...args) => {
      reads.bytes++;
      return selectEvents.apply(recorder, args);
    };
    recorder.selectEventsAsText = (...args) => {
      reads.text++;
      return selectEventsAsText.apply(recorder, args);
    };
    const got = await app.repository.get<Ledger>(ledger.id);
    expect(got.entries).toEqual(ENTRIES);
    expect(got.owner).toBe("Ann");
    expect(got.version).toBe(ENTRIES.length + 1);
    const v3 = await app.repository.get<Ledger>(ledger.id, { version: 3 });
    expect(v3.entries).toEqual(ENTRIES.slice(0, 2));
    return reads;
  } finally {
    await app.close();
  }
}

it("reads states as text when they are the transcoder's text and no chain is checked", async () => {
  expect(await roundTrip({})).toEqual({ bytes: 0, text: 2 });
});

it("reads bytes for compressed states, and for a hash chain to check", async () => {
  expect(await roundTrip({}, { compressor: reversing })).toEqual({ bytes: 2, text: 0 });
  expect(await roundTrip({ IS_EVENT_HASHING_ENABLED: "y" })).toEqual({ bytes: 2, text: 0 });
});
