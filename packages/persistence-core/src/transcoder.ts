/**
 * The transcoder serialises the state of domain events to bytes and back.
 *
 * JSON carries strings, finite numbers, booleans, null, arrays and plain objects. Any other
 * type needs a registered `Transcoding`, which turns it into JSON-able data; the transcoder
 * writes that as `{"_type_": name, "_data_": data}` and works recursively, so custom types may
 * contain other custom types. Decoding runs innermost first.
 */
import { messageOf } from "@es/domain";

// biome-ignore lint/complexity/noBannedTypes: transcodings are keyed by any constructor, BigInt included.
type AnyConstructor = Function;

/** Converts values of one type to JSON-able data and back. */
export interface Transcoding<T = unknown, D = unknown> {
  /** The constructor of the values (e.g. `Date`, `BigInt`, a value object class). */
  readonly type: AnyConstructor;
  /** The name written with encoded values; keep it stable, it is in your stored events. */
  readonly name: string;
  /** The value as JSON-able data (which may hold other values that have transcodings). */
  encode(value: T): D;
  /** The value again, from what `encode` gave. */
  decode(data: D): T;
}

/** Serialises objects to bytes and back. */
export interface Transcoder {
  /** Adds a transcoding for a type JSON can't carry. */
  register(transcoding: Transcoding): void;
  /** The value as bytes; throws a `TypeError` naming a value it can't encode exactly. */
  encode(value: unknown): Uint8Array;
  /** The value again; throws a `TypeError` naming a type name no transcoding has. */
  decode(data: Uint8Array): unknown;
  /**
   * Optional: the value again from the UTF-8 text of what `encode` gave, as `decode` reads its
   * bytes. A transcoder that has it lets a recorder hand states over as text (see
   * `Mapper.readsText`).
   */
  decodeText?(text: string): unknown;
}

const TYPE = "_type_";
const DATA = "_data_";

/**
 * A JSON transcoder extensible with transcodings; Date, bigint, bytes, Map and Set built in.
 * A value of another type is written as `{"_type_": name, "_data_": data}`.
 *
 * @example
 * ```ts
 * class Money { constructor(readonly cents: bigint, readonly currency: string) {} }
 * const transcoder = new JSONTranscoder();
 * transcoder.register({
 *   type: Money,
 *   name: "money",
 *   encode: (money: Money) => ({ cents: money.cents, currency: money.currency }),
 *   decode: ({ cents, currency }: { cents: bigint; currency: string }) => new Money(cents, currency),
 * });
 * ```
 */
export class JSONTranscoder implements Transcoder {
  readonly #byType = new Map<AnyConstructor, Transcoding>();
  readonly #byName = new Map<string, Transcoding>();

  constructor() {
    for (const transcoding of builtInTranscodings()) this.register(transcoding);
  }

  /** Registers a transcoding. A later one for the same type encodes from then on; every name still decodes. */
  register(transcoding: Transcoding): void {
    if (typeof transcoding?.name !== "string" || transcoding.name === "") {
      throw new TypeError("A transcoding needs a non-empty name");
    }
    if (typeof transcoding.type !== "function") {
      throw new TypeError(`Transcoding '${transcoding.name}' needs a type (a constructor)`);
    }
    this.#byType.set(transcoding.type, transcoding);
    this.#byName.set(transcoding.name, transcoding);
  }

  /**
   * Encodes a value exactly, or refuses it with a `TypeError` naming where in the value the
   * problem is (`items[1]`, `options.colour`): nothing is ever written as something else.
   */
  encode(value: unknown): Uint8Array {
    let json: unknown;
    try {
      json = this.#toJSON(value);
    } catch (error) {
      // A cycle (or a value too deep) overflows the stack; a cycle is looked for only then,
      // keeping the common path lean.
      if (error instanceof RangeError && !(error instanceof EncodeError)) {
        throw new TypeError(describeEncodeError(findCycleOrDepth(value)), { cause: error });
      }
      if (error instanceof EncodeError) throw new TypeError(describeEncodeError(error));
      throw error;
    }
    return Buffer.from(JSON.stringify(json), "utf8");
  }

  decode(data: Uint8Array): unknown {
    return this.decodeText(
      Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8"),
    );
  }

  decodeText(text: string): unknown {
    const parsed: unknown = JSON.parse(text);
    // Walking the result is much cheaper than a JSON.parse reviver, and needless without tags.
    if (!text.includes(`"${TYPE}"`)) return parsed;
    try {
      return this.#revive(parsed);
    } catch (error) {
      // JSON.parse doesn't recurse, but reviving does: what another writer stored may be deeper
      // than this stack.
      if (error instanceof RangeError) {
        throw new TypeError("Can't decode: the stored value is nested too deeply", {
          cause: error,
        });
      }
      throw error;
    }
  }

  #toJSON(value: unknown): unknown {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "undefined":
        return UNDEFINED_JSON;
      case "number":
        // JSON has no -0, NaN or infinities: they are tagged, so they come back as they went.
        return Number.isFinite(value) && !Object.is(value, -0)
          ? value
          : { [TYPE]: NUMBER, [DATA]: Object.is(value, -0) ? "-0" : String(value) };
      case "object": {
        if (value === null) return null;
        if (Array.isArray(value)) return this.#arrayToJSON(value);
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto === Object.prototype || proto === null) return this.#objectToJSON(value);
        return this.#tagged(value);
      }
      case "bigint":
        return this.#tagged(value);
      default:
        throw new EncodeError(`${typeof value} is not serializable`);
    }
  }

  #arrayToJSON(array: readonly unknown[]): unknown[] {
    const out = new Array<unknown>(array.length);
    for (let i = 0; i < array.length; i++) {
      if (!(i in array)) throw new EncodeError("an array with holes is not serializable", [i]);
      try {
        out[i] = this.#toJSON(array[i]);
      } catch (error) {
        throw withKey(error, i);
      }
    }
    return out;
  }

  #objectToJSON(object: object): Record<string, unknown> {
    const symbols = Object.getOwnPropertySymbols(object);
    if (symbols.length > 0 && symbols.some((symbol) => isEnumerable(object, symbol))) {
      throw new EncodeError("an object with symbol keys is not serializable");
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(object)) {
      let encoded: unknown;
      try {
        encoded = this.#toJSON((object as Record<string, unknown>)[key]);
      } catch (error) {
        throw withKey(error, key);
      }
      // An own "__proto__" key is data: plain assignment would set the prototype instead.
      if (key === "__proto__") Object.defineProperty(out, key, dataProperty(encoded));
      else out[key] = encoded;
    }
    return out;
  }

  #tagged(value: object | bigint): unknown {
    const transcoding = this.#transcodingFor(value);
    let data: unknown;
    try {
      data = transcoding.encode(value);
    } catch (error) {
      throw new EncodeError(messageOf(error));
    }
    return { [TYPE]: transcoding.name, [DATA]: this.#toJSON(data) };
  }

  #transcodingFor(value: object | bigint): Transcoding {
    const ctor = (value as { constructor?: AnyConstructor }).constructor;
    for (let c: unknown = ctor; typeof c === "function"; c = Object.getPrototypeOf(c)) {
      const found = this.#byType.get(c);
      if (found) {
        if (c !== ctor && ctor) this.#byType.set(ctor, found);
        return found;
      }
    }
    throw new EncodeError(
      `Object of type ${typeName(ctor)} is not serializable. Please define and register a custom transcoding for this type.`,
    );
  }

  /** Replaces tagged values, innermost first, in the freshly parsed (so unshared) structure. */
  #revive(value: unknown): unknown {
    if (typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.#revive(value[i]);
      return value;
    }
    const record = value as Record<string, unknown>;
    let count = 0;
    // for…in visits own keys only here: JSON.parse makes plain objects with nothing inherited.
    for (const key in record) {
      count++;
      const item = record[key];
      if (typeof item !== "object" || item === null) continue;
      const revived = this.#revive(item);
      if (revived === item) continue;
      // JSON.parse made "__proto__" an own key; plain assignment would set the prototype instead.
      if (key === "__proto__") Object.defineProperty(record, key, dataProperty(revived));
      else record[key] = revived;
    }
    if (count !== 2 || !(TYPE in record) || !(DATA in record)) return value;
    const name = record[TYPE];
    if (name === UNDEFINED) return undefined;
    if (name === NUMBER) return decodeNumber(record[DATA]);
    const transcoding = typeof name === "string" ? this.#byName.get(name) : undefined;
    if (!transcoding) {
      throw new TypeError(
        `Data serialized with name '${String(name)}' is not deserializable. Please register a custom transcoding for this type.`,
      );
    }
    return transcoding.decode(record[DATA]);
  }
}

function typeName(ctor: AnyConstructor | undefined): string {
  return ctor?.name || "(anonymous)";
}

/** The tags of values JSON can't hold: `undefined`, and the numbers -0, NaN and ±Infinity. */
const UNDEFINED = "undefined";
const NUMBER = "number";
const UNDEFINED_JSON = Object.freeze({ [TYPE]: UNDEFINED, [DATA]: null });

function decodeNumber(data: unknown): number {
  if (data === "-0") return -0;
  if (data === "NaN" || data === "Infinity" || data === "-Infinity") return Number(data);
  throw new TypeError(`Data serialized with name 'number' has an unknown value`);
}

/** A value the transcoder can't encode, and where in the value it is (innermost key first). */
class EncodeError extends TypeError {
  constructor(
    readonly reason: string,
    readonly path: (string | number)[] = [],
  ) {
    super(reason);
  }
}

/** Adds `key` to the path of a value refused inside it (innermost first). */
function withKey(error: unknown, key: string | number): unknown {
  if (error instanceof EncodeError) error.path.push(key);
  return error;
}

function describeEncodeError(error: EncodeError): string {
  const path = [...error.path].reverse();
  if (path.length === 0) return error.reason;
  const where = path
    .map((key, i) =>
      typeof key === "number"
        ? `[${key}]`
        : /^[A-Za-z_$][\w$]*$/.test(key)
          ? `${i === 0 ? "" : "."}${key}`
          : `[${JSON.stringify(key)}]`,
    )
    .join("");
  return `Can't encode ${where}: ${error.reason}`;
}

/**
 * The path of the first reference back to an enclosing object, if the value has one; else, as
 * the value overflowed the stack without one, how deeply it is nested and under which key. It
 * walks with its own stack, as the value may be too deep for the call stack.
 */
function findCycleOrDepth(root: unknown): EncodeError {
  interface Frame {
    readonly value: object;
    readonly entries: [string | number, unknown][];
    next: number;
  }
  const enclosing = new Set<object>();
  const stack: Frame[] = [];
  let deepest: (string | number)[] = [];
  const enter = (value: unknown): void => {
    if (typeof value !== "object" || value === null) return;
    enclosing.add(value);
    stack.push({ value, entries: entriesOf(value), next: 0 });
  };
  enter(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.next >= frame.entries.length) {
      if (stack.length > deepest.length) deepest = pathOf(stack);
      enclosing.delete(frame.value);
      stack.pop();
      continue;
    }
    const item = frame.entries[frame.next++]?.[1];
    if (typeof item === "object" && item !== null && enclosing.has(item)) {
      const path = pathOf(stack);
      path.push(frame.entries[frame.next - 1]?.[0] as string | number);
      return new EncodeError("a circular reference is not serializable", path.reverse());
    }
    enter(item);
  }
  // Only the first key is named: the path of a value this deep would be as long as the value.
  const depth = deepest.length;
  return new EncodeError(
    `the value is nested ${depth} levels deep, too deeply to serialize`,
    deepest.slice(0, 1),
  );
}

/** The keys leading to the innermost frame on the stack (outermost first). */
function pathOf(stack: readonly { entries: [string | number, unknown][]; next: number }[]) {
  return stack.slice(0, -1).map((frame) => frame.entries[frame.next - 1]?.[0] as string | number);
}

function entriesOf(value: object): [string | number, unknown][] {
  return value instanceof Map
    ? [...value.entries()].flat().map((item, i) => [i, item])
    : value instanceof Set
      ? [...value].map((item, i) => [i, item])
      : Array.isArray(value)
        ? value.map((item, i) => [i, item])
        : Object.entries(value);
}

function isEnumerable(object: object, key: PropertyKey): boolean {
  return Object.getOwnPropertyDescriptor(object, key)?.enumerable === true;
}

function dataProperty(value: unknown): PropertyDescriptor {
  return { value, enumerable: true, writable: true, configurable: true };
}

/** Date as an ISO 8601 string (UTC, millisecond precision). */
export const DateAsISO: Transcoding<Date, string> = {
  type: Date,
  name: "datetime_iso",
  encode: (date) => {
    if (Number.isNaN(date.getTime())) throw new TypeError("Invalid Date is not serializable");
    return isoString(date);
  },
  decode: (data) => isoDate(data),
};

const twoDigits = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * `date.toISOString()`, written out here for the years 1000 to 9999 (every event has a
 * timestamp, and this is under half the cost); other years, whose forms differ, by it.
 */
export function isoString(date: Date): string {
  const year = date.getUTCFullYear();
  if (year < 1000 || year > 9999) return date.toISOString();
  const ms = date.getUTCMilliseconds();
  return `${year}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())}T${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}.${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}Z`;
}

/**
 * `new Date(data)`, read here when it is what `isoString` writes (`2026-01-31T23:59:59.999Z`,
 * years 1000 to 9999): every event has a timestamp, and this is half the cost. Only a form
 * whose reading can't differ from the Date constructor's is read here (a day above 28 might not
 * exist in its month); anything else, the constructor reads.
 */
export function isoDate(data: string): Date {
  if (typeof data === "string" && data.length === 24 && isIsoShape(data)) {
    const year = number(data, 0, 4);
    const month = number(data, 5, 2);
    const day = number(data, 8, 2);
    const hours = number(data, 11, 2);
    const minutes = number(data, 14, 2);
    const seconds = number(data, 17, 2);
    if (
      year >= 1000 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= 28 &&
      hours <= 23 &&
      minutes <= 59 &&
      seconds <= 59
    ) {
      return new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds, number(data, 20, 3)));
    }
  }
  return new Date(data);
}

/** Whether the text has the separators of `2026-01-31T23:59:59.999Z`, and digits between. */
function isIsoShape(text: string): boolean {
  for (let i = 0; i < 24; i++) {
    const code = text.charCodeAt(i);
    const expected = ISO_SEPARATORS[i];
    if (expected === 0 ? code < 48 || code > 57 : code !== expected) return false;
  }
  return true;
}

/** The separators of `2026-01-31T23:59:59.999Z` by position (0: a digit goes there). */
const ISO_SEPARATORS = [..."0000-00-00T00:00:00.000Z"].map((char) =>
  char === "0" ? 0 : char.charCodeAt(0),
);

/** The decimal number of `length` digits at `start` (digits already checked). */
function number(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

/** bigint as a decimal string. */
export const BigIntAsString: Transcoding<bigint, string> = {
  type: BigInt,
  name: "bigint_str",
  encode: (value) => value.toString(),
  decode: (data) => BigInt(data),
};

/** Bytes (Uint8Array, Buffer) as base64. */
export const BytesAsBase64: Transcoding<Uint8Array, string> = {
  type: Uint8Array,
  name: "bytes_base64",
  encode: (bytes) =>
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"),
  decode: (data) => new Uint8Array(Buffer.from(data, "base64")),
};

/** Map as a list of [key, value] pairs (keys and values transcoded too). */
export const MapAsEntries: Transcoding<Map<unknown, unknown>, [unknown, unknown][]> = {
  type: Map,
  name: "map",
  encode: (map) => [...map.entries()],
  decode: (entries) => new Map(entries),
};

/** Set as a list of its members. */
export const SetAsList: Transcoding<Set<unknown>, unknown[]> = {
  type: Set,
  name: "set",
  encode: (set) => [...set],
  decode: (members) => new Set(members),
};

function builtInTranscodings(): Transcoding[] {
  return [DateAsISO, BigIntAsString, BytesAsBase64, MapAsEntries, SetAsList] as Transcoding[];
}

/**
 * A transcoding for a decimal class of your choice (decimal.js, big.js, bignumber.js…): any
 * class whose instances print exactly with `toString()` and parse back with `new Class(string)`.
 * The library depends on none of them; money amounts must not pass through binary floats.
 */
export function decimalTranscoding<D extends { toString(): string }>(
  decimalClass: new (value: string) => D,
  name = "decimal_str",
): Transcoding<D, string> {
  return {
    type: decimalClass,
    name,
    encode: (value) => value.toString(),
    decode: (data) => new decimalClass(data),
  };
}
