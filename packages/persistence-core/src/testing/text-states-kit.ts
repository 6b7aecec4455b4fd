/**
 * The conformance kit's promises for a recorder that reads states as text
 * (`selectEventsAsText`): the same events as `selectEvents`, each state the UTF-8 text of its
 * bytes, decoded as `Buffer#toString` decodes them (what the JSON transcoder's `decode` reads).
 */

import { uuid4 } from "@es/domain";
import { describe, expect, it } from "vitest";
import type { AggregateRecorder, SelectEventsOptions } from "../recorders.js";
import type { StoredEvent, TextStoredEvent } from "../records.js";
import { makeStoredEvent, type RecorderKitOptions, using } from "./kit-helpers.js";

/** A recorder that reads states as text. */
type TextReader = AggregateRecorder & Required<Pick<AggregateRecorder, "selectEventsAsText">>;

/** As `selectEvents` gives them, each state the text `Buffer#toString` decodes from its bytes. */
const asText = (events: readonly StoredEvent[]): TextStoredEvent[] =>
  events.map(({ state, ...event }) => ({ ...event, state: Buffer.from(state).toString("utf8") }));

/** Promises of `selectEventsAsText`, for a recorder that has it. */
export function describeStatesAsText<R extends TextReader>(
  name: string,
  create: () => Promise<R>,
  options: RecorderKitOptions<R> = {},
): void {
  describe(`${name}: states read as text`, () => {
    it("gives every selection's events as selectEvents does, each state as its text", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        const states = ['{"a":1}', '{"name":"Zoë ✓ 𝄞"}', "", '{"b":[1,2,3]}'];
        await recorder.insertEvents(states.map((s, i) => makeStoredEvent(id, i + 1, "t", s)));
        await recorder.insertEvents([makeStoredEvent(uuid4(), 1, "t", "other")]);
        const selections: SelectEventsOptions[] = [
          {},
          { gt: 1 },
          { lte: 3 },
          { gt: 1, lte: 3 },
          { desc: true },
          { desc: true, limit: 1 },
          { gt: 1, limit: 2 },
          { lte: 2, desc: true, limit: 1 },
          { limit: 0 },
        ];
        for (const selection of selections) {
          const texts = await recorder.selectEventsAsText(id, selection);
          expect(texts).toEqual(asText(await recorder.selectEvents(id, selection)));
        }
        expect((await recorder.selectEventsAsText(id)).map((e) => e.state)).toEqual(states);
        expect(await recorder.selectEventsAsText(uuid4())).toEqual([]);
      }));

    it("keeps each event's hash as bytes", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        const hash = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
        await recorder.insertEvents([{ ...makeStoredEvent(id, 1), hash }, makeStoredEvent(id, 2)]);
        const [first, second] = await recorder.selectEventsAsText(id);
        expect([...(first?.hash ?? [])]).toEqual([...hash]);
        expect(second && "hash" in second).toBe(false);
      }));

    it("reads bytes that aren't UTF-8 as Buffer#toString does, with replacement characters", () =>
      using(create, options, async (recorder) => {
        const id = uuid4();
        const bytes = [
          [0x7b, 0x22, 0xff, 0xed, 0xa0, 0x80, 0x22, 0x7d], // a stray byte, an encoded surrogate
          [0xef, 0xbb, 0xbf, 0x7b, 0x7d], // a byte order mark, kept
          [0x7b, 0x00, 0x7d], // NUL, kept
          [0xe2, 0x82], // a sequence cut short
        ];
        await recorder.insertEvents(
          bytes.map((b, i) => ({ ...makeStoredEvent(id, i + 1), state: Uint8Array.from(b) })),
        );
        const texts = await recorder.selectEventsAsText(id);
        expect(texts.map((e) => e.state)).toEqual(
          bytes.map((b) => Buffer.from(b).toString("utf8")),
        );
      }));

    it("checks its options as selectEvents does", () =>
      using(create, options, async (recorder) => {
        await expect(
          recorder.selectEventsAsText(uuid4(), { gt: "1" } as unknown as SelectEventsOptions),
        ).rejects.toThrow(new TypeError("selectEvents gt must be a number, got string"));
      }));
  });
}
