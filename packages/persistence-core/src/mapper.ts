/**
 * The mapper converts domain events to stored events and back: it transcodes the
 * event's state, then compresses it, then encrypts it; and the reverse on the way out, where
 * recorded state from older class versions is also upcast. The originator id and version are
 * columns of the stored event, so they are not repeated inside the state.
 */
import {
  AggregateCreated,
  CLASS_VERSION_KEY,
  classVersionOf,
  type DomainEvent,
  getTopic,
  messageOf,
  nameErrorClass,
  resolveTopic,
  Snapshot,
  upcast,
} from "@es/domain";
import type { Cipher, Compressor } from "./codecs.js";
import { DataError } from "./errors.js";
import { type StoredEvent, storedEvent, type TextStoredEvent } from "./records.js";
import type { Transcoder } from "./transcoder.js";

/** What a mapper is made of. */
export interface MapperOptions {
  /** Turns attributes into bytes and back. */
  readonly transcoder: Transcoder;
  /** Compresses the bytes (none by default). */
  readonly compressor?: Compressor | undefined;
  /** Encrypts the (compressed) bytes (none by default). */
  readonly cipher?: Cipher | undefined;
  /** The application whose events these are, named in errors about what was stored. */
  readonly applicationName?: string | undefined;
}

const NOT_TEXT =
  "this mapper's stored states are not text (they are compressed or encrypted, or its transcoder has no decodeText): read them as bytes";

/** Stored state that can't be decrypted, decompressed, decoded or reconstructed. */
export class StoredEventDecodingError extends DataError {
  constructor(
    /** The stored event's originator id. */
    readonly originatorId: string,
    /** The stored event's originator version. */
    readonly originatorVersion: number,
    /** The stored event's topic. */
    readonly topic: string,
    cause: unknown,
    /** The application whose event it is, when the reader knows it. */
    readonly applicationName?: string | undefined,
    /** The notification it was read as, when it was read from the application's log. */
    readonly notificationId?: number | undefined,
  ) {
    super(
      `Can't reconstruct stored event ${originatorId} version ${originatorVersion} (${topic})${
        applicationName === undefined ? "" : ` of application ${applicationName}`
      }${notificationId === undefined ? "" : `, notification ${notificationId}`}: ${messageOf(cause)}`,
      { cause },
    );
  }
}

nameErrorClass(StoredEventDecodingError, "StoredEventDecodingError");

/**
 * A created event or a snapshot names its aggregate's class, resolved only when it is applied.
 * One that names no class can never be applied, so it is refused here, where the record it
 * came from (application, notification) is known, rather than later by whoever applies it.
 */
function checkAggregateTopic(
  cls: { readonly prototype: unknown },
  state: Record<string, unknown>,
): void {
  const prototype = cls.prototype as object;
  const key =
    prototype instanceof AggregateCreated
      ? "originatorTopic"
      : prototype instanceof Snapshot || cls === Snapshot
        ? "topic"
        : undefined;
  if (key === undefined || !(key in state)) return;
  const topic = state[key];
  if (typeof topic !== "string") throw new TypeError(`stored state's '${key}' is not a topic`);
  resolveTopic(topic);
}

/** The object in `value`'s prototype chain (itself included) that defines `key`. */
function definerOf(value: object, key: string): object | null {
  let definer: object | null = value;
  while (definer !== null && !Object.hasOwn(definer, key)) definer = Object.getPrototypeOf(definer);
  return definer;
}

/** The associated data that binds encrypted state to its row: originator id and version. */
function rowOf(originatorId: string, originatorVersion: number): Uint8Array {
  return Buffer.from(`${originatorId}\n${originatorVersion}`, "utf8");
}

/**
 * Stored state becomes an event's own properties, so it may not name the originator columns
 * or anything the event inherits (`__proto__`, `constructor`, `mutate`, `apply`…): such keys
 * would change what the event is rather than what it says.
 */
function checkStateKeys(state: Record<string, unknown>, prototype: object): void {
  for (const key in state) {
    if (key === "originatorId" || key === "originatorVersion" || key in prototype) {
      throw new TypeError(
        `stored state has the key '${key}', which belongs to the event machinery, not to an attribute`,
      );
    }
  }
}

/**
 * Maps domain events to stored events and back: transcodes an event's attributes, then
 * compresses them, then encrypts them (binding the ciphertext to the event's originator id and
 * version), and the reverse on the way out, upcasting state recorded by older class versions.
 *
 * @example
 * ```ts
 * const mapper = new Mapper({ transcoder: new JSONTranscoder(), cipher: new AESCipher(key) });
 * const stored = mapper.fromDomainEvent(event);
 * const again = mapper.toDomainEvent(stored);
 * ```
 */
export class Mapper {
  /** Turns attributes into bytes and back. */
  readonly transcoder: Transcoder;
  /** Compresses the bytes, if configured. */
  readonly compressor: Compressor | undefined;
  /** Encrypts the (compressed) bytes, if configured. */
  readonly cipher: Cipher | undefined;
  /** The application whose events these are, if given: named in decoding errors. */
  readonly applicationName: string | undefined;

  /**
   * Whether stored states can be read as text (`TextStoredEvent`): they are the transcoder's
   * text, neither compressed nor encrypted, and the transcoder decodes text (`decodeText`,
   * defined where its `decode` is, so that a subclass's own `decode` is never passed over).
   */
  readonly readsText: boolean;

  constructor({ transcoder, compressor, cipher, applicationName }: MapperOptions) {
    this.transcoder = transcoder;
    this.compressor = compressor;
    this.cipher = cipher;
    this.applicationName = applicationName;
    this.readsText =
      compressor === undefined &&
      cipher === undefined &&
      transcoder.decodeText !== undefined &&
      // A subclass that decodes bytes its own way and inherits `decodeText` reads bytes.
      definerOf(transcoder, "decode") === definerOf(transcoder, "decodeText");
  }

  /**
   * A domain event as a stored event.
   *
   * @throws TypeError naming a value of the event's that can't be encoded exactly.
   * @throws {@link TopicError} if the event's class has no topic it can be stored under.
   */
  fromDomainEvent(event: DomainEvent): StoredEvent {
    const cls = event.constructor;
    const { originatorId, originatorVersion, ...state } = event as DomainEvent &
      Record<string, unknown>;
    const version = classVersionOf(cls);
    if (version > 1) state[CLASS_VERSION_KEY] = version;
    let bytes = this.transcoder.encode(state);
    if (this.compressor) bytes = this.compressor.compress(bytes);
    if (this.cipher) bytes = this.cipher.encrypt(bytes, rowOf(originatorId, originatorVersion));
    return storedEvent({ originatorId, originatorVersion, topic: getTopic(cls), state: bytes });
  }

  /**
   * A stored event's state as it was encoded: decrypted, decompressed and transcoded, its
   * topic not resolved, so no class is needed (a tool shows a store's events this way). A
   * state read as text is decoded by the transcoder's `decodeText`.
   *
   * @throws Whatever the cipher, compressor or transcoder throws for bytes they can't read.
   * @throws TypeError for a state read as text, if this mapper doesn't read text (`readsText`).
   */
  decodeState(stored: StoredEvent | TextStoredEvent): unknown {
    if (typeof stored.state === "string") {
      if (!this.readsText) throw new TypeError(NOT_TEXT);
      return this.transcoder.decodeText?.(stored.state);
    }
    let bytes = stored.state;
    if (this.cipher) {
      bytes = this.cipher.decrypt(bytes, rowOf(stored.originatorId, stored.originatorVersion));
    }
    if (this.compressor) bytes = this.compressor.decompress(bytes);
    return this.transcoder.decode(bytes);
  }

  /**
   * A stored event as a domain event, built without running the event class's constructor
   * (as events are rebuilt, not re-decided).
   *
   * @throws {@link StoredEventDecodingError} naming the stored event (and the application and
   *   notification, where known), if its state can't be decrypted, decompressed, decoded or
   *   upcast, or its topic (or, for a created event or snapshot, its aggregate's topic)
   *   resolves to no class.
   */
  toDomainEvent<E extends DomainEvent = DomainEvent>(stored: StoredEvent | TextStoredEvent): E {
    const { originatorId, originatorVersion, topic } = stored;
    try {
      const decoded = this.decodeState(stored);
      if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) {
        throw new TypeError("stored state is not an object");
      }
      const cls = resolveTopic<new (...args: never[]) => E>(topic);
      const state = upcast(cls, decoded as Record<string, unknown>);
      checkStateKeys(state, cls.prototype as object);
      checkAggregateTopic(cls, state);
      const event = Object.create(cls.prototype) as E & {
        originatorId: string;
        originatorVersion: number;
      };
      event.originatorId = originatorId;
      event.originatorVersion = originatorVersion;
      Object.assign(event, state);
      return Object.freeze(event);
    } catch (error) {
      const notificationId = (stored as { id?: unknown }).id;
      throw new StoredEventDecodingError(
        originatorId,
        originatorVersion,
        topic,
        error,
        this.applicationName,
        typeof notificationId === "number" ? notificationId : undefined,
      );
    }
  }
}
