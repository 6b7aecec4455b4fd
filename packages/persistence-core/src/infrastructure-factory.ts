/**
 * Infrastructure factories build an application's persistence objects from its
 * environment: `INFRASTRUCTURE_FACTORY` names the adapter package (`@es/sqlite`, or
 * `module:ExportName`; in-memory when unset), `CIPHER_TOPIC`/`CIPHER_KEY` and
 * `COMPRESSOR_TOPIC` the codecs. Adapters are found by dynamic import, so an application never
 * loads (or installs) an adapter it does not use.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { messageOf } from "@es/domain";
import type { Cipher, Compressor } from "./codecs.js";
import { bounded, Environment, type EnvValues, envSchemas } from "./environment.js";
import { ConfigurationError, NotSupportedError } from "./errors.js";
import { EventStore } from "./event-store.js";
import type { HashChain } from "./hash-chain.js";
import { Mapper } from "./mapper.js";
import type { PromptChannel } from "./prompt-channel.js";
import type {
  AggregateRecorder,
  ApplicationRecorder,
  ProcessRecorder,
  TrackingRecorder,
} from "./recorders.js";
import type { StoredRecords } from "./stored-records.js";
import { JSONTranscoder, type Transcoder } from "./transcoder.js";

/** The adapter package (`@es/sqlite`) or `module:ExportName` of a factory; in memory when unset. */
export const INFRASTRUCTURE_FACTORY = "INFRASTRUCTURE_FACTORY";
/** The cipher class, as `module:ExportName` (default `@es/cipher:AESCipher` when a key is set). */
export const CIPHER_TOPIC = "CIPHER_TOPIC";
/** The cipher's key (a secret: never shown in messages or when the environment is inspected). */
export const CIPHER_KEY = "CIPHER_KEY";
/** The compressor class, as `module:ExportName` (e.g. `@es/cipher:ZlibCompressor`). */
export const COMPRESSOR_TOPIC = "COMPRESSOR_TOPIC";
/** Whether the application keeps snapshots (strtobool; default no). */
export const IS_SNAPSHOTTING_ENABLED = "IS_SNAPSHOTTING_ENABLED";
/**
 * Whether the application's stored events are hash-chained, each to its aggregate's previous
 * one, and checked when read (strtobool; default no).
 */
export const IS_EVENT_HASHING_ENABLED = "IS_EVENT_HASHING_ENABLED";
/** The Ed25519 key that signs checkpoints of the log (PEM or base64 DER; a secret). */
export const CHECKPOINT_SIGNING_KEY = "CHECKPOINT_SIGNING_KEY";
/** The Ed25519 public key that checks the checkpoints' signatures (PEM or base64 DER). */
export const CHECKPOINT_VERIFYING_KEY = "CHECKPOINT_VERIFYING_KEY";
/** Notifications per checkpoint (default 1000). */
export const CHECKPOINT_INTERVAL = "CHECKPOINT_INTERVAL";
/** Whether recorders create their tables when missing (strtobool; default yes). */
export const CREATE_TABLE = "CREATE_TABLE";

/** The cipher used when `CIPHER_KEY` is set without `CIPHER_TOPIC`. */
export const DEFAULT_CIPHER_TOPIC = "@es/cipher:AESCipher";

/** The byte-level stages of stored state, given in code. */
export interface Codecs {
  /** Encrypts stored state. */
  readonly cipher?: Cipher | undefined;
  /** Compresses stored state (before it is encrypted). */
  readonly compressor?: Compressor | undefined;
}

/** What every factory is built with, however its adapter is configured. */
export interface FactoryInit extends Codecs {
  /** The application's name: it names the application's tables. */
  readonly applicationName?: string;
  /** The environment the factory was configured from (an empty one when configured in code). */
  readonly env?: Environment;
}

/**
 * An adapter configured in code, as `sqlite({ path: "worlds.db" })` or `inMemory()` give one:
 * it builds the factory of each application given it.
 */
export interface Infrastructure {
  /** The adapter's name, for messages: `@es/sqlite`, `in-memory`. */
  readonly name: string;
  /** The factory of one application. */
  create(init: FactoryInit): InfrastructureFactory;
}

/**
 * A factory class the environment can select (`INFRASTRUCTURE_FACTORY` names its package): it
 * reads its options from the environment, the same options its adapter takes in code.
 */
export interface InfrastructureFactoryClass {
  /**
   * A factory configured from the environment.
   *
   * @throws ConfigurationError naming each variable that is missing or invalid.
   */
  fromEnvironment(env: Environment, init: FactoryInit): InfrastructureFactory;
}

/** What a store holds, as tools show it (`es info`). */
export interface StoreDescription {
  /** The adapter: `@es/sqlite`, `@es/postgres`, `in-memory`. */
  readonly store: string;
  /** Where the store is: the database file, or the server, database and schema; never a password. */
  readonly location: string;
  /**
   * The tables in the store (the file's, or the schema's: the application's and any others), by
   * name, with their row counts.
   */
  readonly tables: readonly { readonly name: string; readonly rows: number }[];
  /**
   * For each tracking table in the store (a follower's `<name>_tracking` or a view's), the last
   * notification id it tracked of each upstream application.
   */
  readonly tracking: readonly {
    readonly table: string;
    readonly applicationName: string;
    readonly notificationId: number;
  }[];
}

/** How `InfrastructureFactory.construct` finds an application's adapter and codecs. */
export interface ConstructOptions extends Codecs {
  /** Names the application: the prefix of its environment variables and its tables. */
  readonly applicationName?: string;
  /** The environment (default: `process.env`). */
  readonly env?: EnvValues;
  /** The adapter, configured in code; without it, `INFRASTRUCTURE_FACTORY` names one. */
  readonly infrastructure?: Infrastructure | undefined;
  /** A factory class to configure from the environment, instead of the one it names. */
  readonly factory?: InfrastructureFactoryClass | undefined;
}

/**
 * Builds the persistence objects of one application: its transcoder, mapper, event stores and
 * recorders. Each adapter (`@es/sqlite`, `@es/postgres`, in-memory) has a subclass; an
 * application gets its factory from `construct`, which finds the adapter in code or by
 * environment.
 *
 * @example
 * ```ts
 * const factory = await InfrastructureFactory.construct({
 *   applicationName: "Worlds",
 *   env: { INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: ":memory:" },
 * });
 * const recorder = await factory.applicationRecorder();
 * await factory.close();
 * ```
 */
export abstract class InfrastructureFactory {
  /** The application's name: the prefix of its variables and its tables. */
  readonly applicationName: string;
  /** The environment the factory was configured from (an empty one when configured in code). */
  readonly env: Environment;
  /** The cipher of stored state, if any. */
  readonly cipher: Cipher | undefined;
  /** The compressor of stored state, if any. */
  readonly compressor: Compressor | undefined;

  constructor(init: FactoryInit = {}) {
    this.applicationName = init.applicationName ?? init.env?.name ?? "";
    this.env = init.env ?? new Environment(this.applicationName);
    this.cipher = init.cipher;
    this.compressor = init.compressor;
  }

  /**
   * Builds an application's factory: the adapter given in code, else the one the environment
   * names (in memory when it names none), with the codecs given in code, else those the
   * environment names.
   *
   * @throws ConfigurationError naming the variable, when the adapter or a codec it names can't
   *   be found or constructed, or one of the adapter's variables is missing or invalid.
   */
  static async construct(options: ConstructOptions = {}): Promise<InfrastructureFactory> {
    const applicationName = options.applicationName ?? "";
    const env = new Environment(applicationName, options.env ?? process.env);
    const init: FactoryInit = {
      applicationName,
      env,
      cipher: options.cipher ?? (await constructCipher(env)),
      compressor: options.compressor ?? (await constructCompressor(env)),
    };
    if (options.infrastructure) return options.infrastructure.create(init);
    const factoryClass = options.factory ?? (await resolveFactoryClass(env));
    return factoryClass.fromEnvironment(env, init);
  }

  /** A new JSON transcoder (the application registers its transcodings with it). */
  transcoder(): Transcoder {
    return new JSONTranscoder();
  }

  /** A mapper with this factory's cipher and compressor, naming its application in errors. */
  mapper(transcoder: Transcoder = this.transcoder()): Mapper {
    return new Mapper({
      transcoder,
      cipher: this.cipher,
      compressor: this.compressor,
      applicationName: this.applicationName || undefined,
    });
  }

  /** An event store of the mapper and the recorder (and the hash chain, if its events are hashed). */
  eventStore<R extends AggregateRecorder>(
    mapper: Mapper,
    recorder: R,
    chain?: HashChain,
  ): EventStore<R> {
    return new EventStore({ mapper, recorder, chain });
  }

  /** Whether `IS_EVENT_HASHING_ENABLED` is true. */
  isEventHashingEnabled(): boolean {
    return this.env.read(IS_EVENT_HASHING_ENABLED, envSchemas.boolean(false));
  }

  /** Whether `IS_SNAPSHOTTING_ENABLED` is true. */
  isSnapshottingEnabled(): boolean {
    return this.env.read(IS_SNAPSHOTTING_ENABLED, envSchemas.boolean(false));
  }

  /** A recorder for sequences of events without notification ids (e.g. `"snapshots"`). */
  abstract aggregateRecorder(purpose?: string): Promise<AggregateRecorder>;
  /** The application's recorder: its events, with notification ids. */
  abstract applicationRecorder(): Promise<ApplicationRecorder>;
  /**
   * A recorder of tracking records alone, on the application's tracking table: where a read
   * model that isn't kept in events records how far it has processed.
   */
  abstract trackingRecorder(): Promise<TrackingRecorder>;
  /** A process application's recorder: events with notification ids, and tracking records. */
  abstract processRecorder(): Promise<ProcessRecorder>;

  /**
   * Whether applications in other processes that are given the same configuration share this
   * store (a database file or server does; memory doesn't).
   */
  get isSharedByProcesses(): boolean {
    return false;
  }

  /** A channel for prompts between processes, if the store carries them. */
  promptChannel(): PromptChannel | undefined {
    return undefined;
  }

  /**
   * The store's own check of its storage, where it has one (SQLite checks its file): what it
   * finds damaged, in words. None by default.
   */
  async checkStorage(): Promise<string[]> {
    return [];
  }

  /**
   * What the store holds: its tables with their row counts, and how far each of its tracking
   * tables has tracked each upstream application, sorted by table, then application.
   *
   * @throws NotSupportedError if the adapter doesn't describe its store (this default).
   */
  async describeStore(): Promise<StoreDescription> {
    throw new NotSupportedError(
      `The store of application '${this.applicationName}' can't be described: its adapter doesn't say what it holds`,
    );
  }

  /**
   * The application's records as stored, kind by kind, to copy the store to another or into
   * it (`es copy`).
   *
   * @throws NotSupportedError if the adapter doesn't give them (this default).
   */
  async storedRecords(): Promise<StoredRecords> {
    throw new NotSupportedError(
      `The records of application '${this.applicationName}' can't be copied: its store's adapter doesn't give them as stored`,
    );
  }

  /**
   * The name of the table a recorder of this purpose keeps its records in (`worlds_events` for
   * `"events"`, `worlds_checkpoints` for `"checkpoints"`), as `describeStore` lists it;
   * undefined for a store without tables.
   */
  recorderTableName(_purpose: string): string | undefined {
    return undefined;
  }

  /** Releases connections and files. */
  async close(): Promise<void> {}
}

async function resolveFactoryClass(env: Environment): Promise<InfrastructureFactoryClass> {
  const topic = env.get(INFRASTRUCTURE_FACTORY)?.trim();
  if (!topic) return (await import("./in-memory/factory.js")).InMemoryFactory;
  const variable = env.source(INFRASTRUCTURE_FACTORY);
  let resolved: unknown;
  try {
    resolved = await resolveModuleTopic(topic);
  } catch (error) {
    throw new ConfigurationError(
      `Failed to resolve infrastructure factory topic: '${bounded(topic)}' from environment variable '${variable}': ${messageOf(
        error,
      )}`,
      { cause: error },
    );
  }
  if (!isFactoryClass(resolved)) {
    throw new ConfigurationError(
      `Not an infrastructure factory: ${topic} (from '${variable}'): expected a class with a static fromEnvironment() and the methods ${FACTORY_METHODS.join(", ")}`,
    );
  }
  return resolved;
}

/** What an application calls on its factory. */
const FACTORY_METHODS = [
  "transcoder",
  "mapper",
  "eventStore",
  "aggregateRecorder",
  "applicationRecorder",
  "processRecorder",
  "close",
] as const;

/**
 * A factory class is recognised by its shape, not by `instanceof`: a bundle that contains this
 * package and an adapter installed beside it each have their own `InfrastructureFactory`.
 */
function isFactoryClass(value: unknown): value is InfrastructureFactoryClass {
  return (
    isClassWith(value, FACTORY_METHODS) &&
    typeof (value as Partial<InfrastructureFactoryClass>).fromEnvironment === "function"
  );
}

/** Whether `value` is a class whose instances have the methods. */
function isClassWith(value: unknown, methods: readonly string[]): boolean {
  return typeof value === "function" && hasMethods(value.prototype, methods);
}

/** Whether `value` is an object with the methods (its own or inherited). */
function hasMethods(value: unknown, methods: readonly string[]): boolean {
  if (typeof value !== "object" || value === null) return false;
  return methods.every(
    (method) => typeof (value as Record<string, unknown>)[method] === "function",
  );
}

async function constructCipher(env: Environment): Promise<Cipher | undefined> {
  const topic = env.get(CIPHER_TOPIC)?.trim();
  const key = env.get(CIPHER_KEY)?.trim();
  if (!topic && !key) return undefined;
  if (!key) {
    throw new ConfigurationError(
      `'${CIPHER_KEY}' not set in env, although '${CIPHER_TOPIC}' was set`,
    );
  }
  const cipherTopic = topic || DEFAULT_CIPHER_TOPIC;
  const cipherClass = await resolveConfigured(cipherTopic, env.source(CIPHER_TOPIC));
  if (!isClassWith(cipherClass, ["encrypt", "decrypt"])) {
    throw new ConfigurationError(
      `Not a cipher class: ${cipherTopic} (from '${env.source(CIPHER_TOPIC)}'): expected a class with encrypt() and decrypt() methods`,
    );
  }
  try {
    return new (cipherClass as new (key: string) => Cipher)(key);
  } catch (error) {
    // The cipher's own message describes the key; never let it quote the key.
    const message = messageOf(error).split(key).join("<key>");
    throw new ConfigurationError(
      `Environment variable '${env.source(CIPHER_KEY)}' is invalid: ${message}`,
    );
  }
}

async function constructCompressor(env: Environment): Promise<Compressor | undefined> {
  const topic = env.get(COMPRESSOR_TOPIC)?.trim();
  if (!topic) return undefined;
  const variable = env.source(COMPRESSOR_TOPIC);
  const resolved = await resolveConfigured(topic, variable);
  const methods = ["compress", "decompress"];
  // A class is checked before it is constructed; an object (a module, say) as it is.
  const fits =
    typeof resolved === "function" ? isClassWith(resolved, methods) : hasMethods(resolved, methods);
  if (!fits) {
    throw new ConfigurationError(
      `Not a compressor: ${topic} (from '${variable}'): expected compress() and decompress() methods`,
    );
  }
  if (typeof resolved !== "function") return resolved as Compressor;
  try {
    return new (resolved as new () => Compressor)();
  } catch (error) {
    throw new ConfigurationError(
      `Can't construct the compressor ${topic} (from '${variable}'): ${messageOf(error)}`,
    );
  }
}

async function resolveConfigured(topic: string, variable: string): Promise<unknown> {
  try {
    return await resolveModuleTopic(topic);
  } catch (error) {
    throw new ConfigurationError(
      `Failed to resolve topic '${bounded(topic)}' from environment variable '${variable}': ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/**
 * Resolves `module` (its default export) or `module:Export`. The module is looked up first
 * among the application's own dependencies (from the working directory, then from the main
 * script's folder): the application installs the adapters it uses, and package managers that
 * isolate dependencies (pnpm) don't let this package see them. Failing that, it is imported
 * as a dependency of this package.
 */
export async function resolveModuleTopic(topic: string): Promise<unknown> {
  const match = MODULE_TOPIC.exec(topic);
  if (!match) {
    throw new Error(
      "expected a package name, optionally with a subpath and :Export (such as @es/sqlite or " +
        "@es/cipher:AESCipher); paths, URLs and inline code are not loaded",
    );
  }
  const [, specifier = "", exportName = "default"] = match;
  const module = (await importFromApplication(specifier)) as Record<string, unknown>;
  if (!Object.hasOwn(module, exportName)) {
    throw new Error(`module '${specifier}' has no export '${exportName}'`);
  }
  return module[exportName];
}

/**
 * `package`, `@scope/package`, either with `/subpath`s, then optionally `:Export`: names of
 * installed packages only, so configuration can't make the application run a file or a URL.
 */
const MODULE_TOPIC =
  /^((?:@[A-Za-z0-9~-][\w.~-]*\/)?[A-Za-z0-9~-][\w.~-]*(?:\/[\w~-][\w.~-]*)*)(?::([A-Za-z_$][\w$]*))?$/;

async function importFromApplication(specifier: string): Promise<unknown> {
  const bases = [process.cwd(), process.argv[1] ? dirname(process.argv[1]) : undefined];
  for (const base of bases) {
    if (base === undefined) continue;
    try {
      const path = createRequire(join(base, "noop.js")).resolve(specifier);
      return await import(pathToFileURL(path).href);
    } catch (error) {
      if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
    }
  }
  try {
    return await import(specifier);
  } catch (error) {
    throw new Error(`module '${specifier}' is not installed (${messageOf(error)})`, {
      cause: error,
    });
  }
}
