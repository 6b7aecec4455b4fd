/** The JSON transcoder and transcodings. */
import { describe, expect, it } from "vitest";
import { decimalTranscoding, JSONTranscoder, type Transcoding } from "../src/index.js";
import { isoDate, isoString } from "../src/transcoder.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A date without a time, as Python's `date`. */
class CalendarDate {
  constructor(readonly iso: string) {}
}
const CalendarDateAsISO: Transcoding<CalendarDate, string> = {
  type: CalendarDate,
  name: "date_iso",
  encode: (date) => date.iso,
  decode: (data) => new CalendarDate(data),
};

class SimpleCustomValue {
  constructor(
    readonly id: string,
    readonly date: CalendarDate,
  ) {}
}
class ComplexCustomValue {
  constructor(readonly value: SimpleCustomValue) {}
}
class SimpleCustomValueAsDict implements Transcoding<SimpleCustomValue, Record<string, unknown>> {
  readonly type = SimpleCustomValue;
  readonly name = "simple_custom_value";
  encode(value: SimpleCustomValue) {
    return { id: value.id, date: value.date };
  }
  decode(data: Record<string, unknown>) {
    expect(data.date).toBeInstanceOf(CalendarDate);
    return new SimpleCustomValue(data.id as string, data.date as CalendarDate);
  }
}
class ComplexCustomValueAsDict implements Transcoding<ComplexCustomValue, SimpleCustomValue> {
  readonly type = ComplexCustomValue;
  readonly name = "complex_custom_value";
  encode(value: ComplexCustomValue) {
    return value.value;
  }
  decode(data: SimpleCustomValue) {
    expect(data).toBeInstanceOf(SimpleCustomValue);
    return new ComplexCustomValue(data);
  }
}

describe("JSONTranscoder", () => {
  it("round-trips JSON values", () => {
    const transcoder = new JSONTranscoder();
    const value = { a: 1, b: "two", c: [true, null, 3.5], d: { e: [] } };
    expect(transcoder.decode(transcoder.encode(value))).toEqual(value);
    expect(transcoder.decode(transcoder.encode({ a: 1 }))).toEqual({ a: 1 });
    expect(text(transcoder.encode({ a: 1 }))).toBe('{"a":1}');
  });

  it("has transcodings for Date, bigint, bytes, Map and Set", () => {
    const transcoder = new JSONTranscoder();
    const value = {
      at: new Date("2021-12-31T23:59:59.123Z"),
      big: 12345678901234567890n,
      bytes: Uint8Array.from([0, 1, 255]),
      buffer: Buffer.from("hi"),
      map: new Map<unknown, unknown>([
        ["k", new Date(0)],
        [1, 2n],
      ]),
      set: new Set(["a", "b"]),
    };
    const copy = transcoder.decode(transcoder.encode(value)) as typeof value;
    expect(copy.at).toEqual(value.at);
    expect(copy.big).toBe(value.big);
    expect(copy.bytes).toEqual(value.bytes);
    expect([...copy.buffer]).toEqual([...value.buffer]);
    expect(copy.map).toEqual(value.map);
    expect(copy.set).toEqual(value.set);
    expect(text(transcoder.encode(new Date(0)))).toBe(
      '{"_type_":"datetime_iso","_data_":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it("names the unsupported type on encode", () => {
    const transcoder = new JSONTranscoder();
    expect(() => transcoder.encode(new CalendarDate("2021-12-31"))).toThrow(
      "Object of type CalendarDate is not serializable. Please define and register a custom transcoding for this type.",
    );
    expect(() => transcoder.encode({ f: () => 1 })).toThrow(TypeError);
    expect(() => transcoder.encode({ f: () => 1 })).toThrow(
      "Can't encode f: function is not serializable",
    );
    expect(() => transcoder.encode({ at: new Date(Number.NaN) })).toThrow(
      "Can't encode at: Invalid Date is not serializable",
    );
  });

  it("names the unknown transcoding on decode", () => {
    const withDecimal = new JSONTranscoder();
    class Money {
      constructor(readonly amount: string) {}
      toString() {
        return this.amount;
      }
    }
    withDecimal.register(decimalTranscoding(Money));
    const data = withDecimal.encode(new Money("1.2345"));
    expect(withDecimal.decode(data)).toEqual(new Money("1.2345"));
    expect(() => new JSONTranscoder().decode(data)).toThrow(TypeError);
    expect(() => new JSONTranscoder().decode(data)).toThrow(
      "Data serialized with name 'decimal_str' is not deserializable. Please register a custom transcoding for this type.",
    );
  });

  it("transcodes custom types that contain custom types, innermost decoded first", () => {
    const transcoder = new JSONTranscoder();
    transcoder.register(CalendarDateAsISO);
    transcoder.register(new SimpleCustomValueAsDict());
    transcoder.register(new ComplexCustomValueAsDict());
    const obj1 = new ComplexCustomValue(
      new SimpleCustomValue("b2723fe2-c01a-40d2-875e-a3aac6a09ff5", new CalendarDate("2000-02-20")),
    );
    const data = transcoder.encode(obj1);
    expect(text(data)).toBe(
      '{"_type_":"complex_custom_value","_data_":{"_type_":"simple_custom_value","_data_":' +
        '{"id":"b2723fe2-c01a-40d2-875e-a3aac6a09ff5","date":{"_type_":"date_iso","_data_":"2000-02-20"}}}}',
    );
    expect(transcoder.decode(data)).toEqual(obj1);
    expect(() => new JSONTranscoder().decode(data)).toThrow(
      "Data serialized with name 'date_iso' is not deserializable",
    );
  });

  it("uses a transcoding registered for a base class for its subclasses", () => {
    const transcoder = new JSONTranscoder();
    class Special extends CalendarDate {}
    transcoder.register(CalendarDateAsISO);
    expect(transcoder.decode(transcoder.encode(new Special("2001-01-01")))).toEqual(
      new CalendarDate("2001-01-01"),
    );
  });

  it("decodes old names after a transcoding is replaced", () => {
    const transcoder = new JSONTranscoder();
    transcoder.register(CalendarDateAsISO);
    const old = transcoder.encode(new CalendarDate("2000-01-01"));
    transcoder.register({
      ...CalendarDateAsISO,
      name: "date_iso_v2",
      encode: (d: CalendarDate) => `v2:${d.iso}`,
      decode: (s: string) => new CalendarDate(s.slice(3)),
    } as Transcoding);
    expect(text(transcoder.encode(new CalendarDate("2000-01-01")))).toContain("date_iso_v2");
    expect(transcoder.decode(old)).toEqual(new CalendarDate("2000-01-01"));
  });

  it("refuses bad transcodings and data that is not UTF-8 JSON", () => {
    const transcoder = new JSONTranscoder();
    expect(() => transcoder.register({ ...CalendarDateAsISO, name: "" } as Transcoding)).toThrow(
      TypeError,
    );
    expect(() => transcoder.decode(Uint8Array.from([0xff, 0xfe]))).toThrow(SyntaxError);
    expect(() => transcoder.decode(new TextEncoder().encode("{not json"))).toThrow(SyntaxError);
  });
});

describe("dates", () => {
  it("are written exactly as toISOString writes them, in every year", () => {
    const edges = [
      Date.UTC(999, 11, 31, 23, 59, 59, 999),
      Date.UTC(1000, 0, 1),
      Date.UTC(1970, 0, 1),
      Date.UTC(2026, 11, 7, 9, 5, 3, 7),
      Date.UTC(2026, 1, 28, 12, 0, 0, 10),
      Date.UTC(2024, 1, 29, 0, 0, 0, 99),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      -62198755200000, // year -1
      8.64e15,
      -8.64e15,
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const times = [...edges, ...Array.from({ length: 2000 }, () => (random() * 2 - 1) * 8.64e15)];
    const transcoder = new JSONTranscoder();
    for (const time of times) {
      const date = new Date(Math.floor(time));
      expect(isoString(date)).toBe(date.toISOString());
      const decoded = transcoder.decode(transcoder.encode({ date })) as { date: Date };
      expect(decoded.date.getTime()).toBe(date.getTime());
    }
  });

  it("reads every ISO text exactly as the Date constructor does, valid or not", () => {
    const texts = [
      "2026-01-31T23:59:59.999Z",
      "2026-02-28T00:00:00.000Z",
      "2026-02-29T00:00:00.000Z", // not a day: the constructor decides
      "2024-02-29T12:00:00.000Z",
      "2026-04-31T00:00:00.000Z",
      "2026-13-01T00:00:00.000Z",
      "2026-00-10T00:00:00.000Z",
      "2026-01-00T00:00:00.000Z",
      "2026-01-10T24:00:00.000Z",
      "2026-01-10T23:60:00.000Z",
      "2026-01-10T23:00:60.000Z",
      "0999-12-31T23:59:59.999Z",
      "1000-01-01T00:00:00.000Z",
      "9999-12-31T23:59:59.999Z",
      "2026-01-10T10:00:00.000+",
      "2026-01-10 10:00:00.000Z",
      "2026-1-10T10:00:00.0000Z",
      "2026-01-10T10:00:00.00aZ",
      "２０２６-01-10T10:00:00.000Z",
      "2026-01-10T10:00:00.000",
      "",
    ];
    // Texts of the written form with one character changed, at each position, to each of a few.
    const base = "2026-07-15T08:30:45.123Z";
    for (let i = 0; i < base.length; i++) {
      for (const char of ["0", "1", "2", "3", "5", "9", "-", ":", "T", "Z", ".", " ", "+"]) {
        texts.push(base.slice(0, i) + char + base.slice(i + 1));
      }
    }
    for (const text of texts) {
      expect([text, isoDate(text).getTime()]).toEqual([text, new Date(text).getTime()]);
    }
    for (let time = Date.UTC(1000, 0, 1); time < Date.UTC(9999, 11, 31); time += 9_999_999_937) {
      const text = new Date(time).toISOString();
      expect([text, isoDate(text).getTime()]).toEqual([text, time]);
    }
  });
});
