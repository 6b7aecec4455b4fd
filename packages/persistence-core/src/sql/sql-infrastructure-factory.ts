/**
 * What the factories of SQL adapters share: options parsed once and frozen, tables named after
 * the application and checked before anything is opened, one datastore opened on first use and
 * shared by the recorders, tables created when `createTable` is set, `CREATE_TABLE` read from
 * the environment, and the datastore closed with the factory. An adapter says how to open its
 * datastore, how its tables are named, and which recorders it makes.
 */
import { type Environment, envSchemas } from "../environment.js";
import { ConfigurationError } from "../errors.js";
import {
  CREATE_TABLE,
  type FactoryInit,
  InfrastructureFactory,
} from "../infrastructure-factory.js";
import type {
  AggregateRecorder,
  ApplicationRecorder,
  ProcessRecorder,
  TrackingRecorder,
} from "../recorders.js";
import { tablePrefix } from "./identifiers.js";

/** A recorder that can create its tables (and does nothing when they exist). */
export interface CreatesTables {
  /** Creates the recorder's tables if they don't exist. */
  createTable(): void | Promise<void>;
}

/** The types an SQL adapter's factory is made of. */
export interface SqlAdapterTypes {
  /** The options with their defaults filled in. */
  readonly options: { readonly createTable: boolean };
  /** The connection (or pool) the recorders share. */
  readonly datastore: { close(): void | Promise<void> };
  /** A table's name as the adapter's recorders take it. */
  readonly table: unknown;
  /** The adapter's aggregate recorder (snapshots). */
  readonly aggregateRecorder: AggregateRecorder & CreatesTables;
  /** The adapter's application recorder. */
  readonly applicationRecorder: ApplicationRecorder & CreatesTables;
  /** The adapter's tracking recorder. */
  readonly trackingRecorder: TrackingRecorder & CreatesTables;
  /** The adapter's process recorder. */
  readonly processRecorder: ProcessRecorder & CreatesTables;
}

/** The classes of an SQL adapter's recorders, made with the datastore and their tables. */
export interface SqlRecorderClasses<T extends SqlAdapterTypes> {
  /** Made with the datastore and a table of events (`events`, `snapshots`). */
  readonly aggregate: new (
    datastore: T["datastore"],
    events: T["table"],
  ) => T["aggregateRecorder"];
  /** Made with the datastore and the table of events. */
  readonly application: new (
    datastore: T["datastore"],
    events: T["table"],
  ) => T["applicationRecorder"];
  /** Made with the datastore and the table of tracking records. */
  readonly tracking: new (
    datastore: T["datastore"],
    tracking: T["table"],
  ) => T["trackingRecorder"];
  /** Made with the datastore, the table of events and the table of tracking records. */
  readonly process: new (
    datastore: T["datastore"],
    events: T["table"],
    tracking: T["table"],
  ) => T["processRecorder"];
}

/**
 * A factory class that reads its options from the environment (`CREATE_TABLE` aside, which
 * `fromEnvironment` reads for every adapter): a subclass of `SqlInfrastructureFactory` with a
 * static `optionsFromEnvironment`, which `INFRASTRUCTURE_FACTORY` can name.
 */
export interface SqlFactoryClass<O, F> {
  new (options: O, init: FactoryInit): F;
  /**
   * The adapter's options, read from the environment's variables.
   *
   * @throws ConfigurationError naming a variable that is missing or invalid.
   */
  optionsFromEnvironment(env: Environment): O;
}

/** The tables an application may use: their names are checked when its factory is made. */
const PURPOSES = ["events", "snapshots", "tracking"] as const;

/**
 * The base of an SQL adapter's infrastructure factory.
 *
 * @throws ProgrammingError (from the constructor) naming a table whose name isn't a plain
 * identifier, before anything is opened.
 */
export abstract class SqlInfrastructureFactory<
  T extends SqlAdapterTypes,
> extends InfrastructureFactory {
  /** The options, with their defaults filled in. */
  readonly options: T["options"];
  /** The prefix of this application's tables: its name, or "stored". */
  readonly tablePrefix: string;
  #datastore: T["datastore"] | undefined;

  constructor(options: T["options"], init: FactoryInit) {
    super(init);
    this.options = Object.freeze(options);
    this.tablePrefix = tablePrefix(this.applicationName);
    // Fail fast on names that can't be tables, before anything is opened.
    for (const purpose of PURPOSES) this.table(purpose);
  }

  /**
   * The factory configured by the environment's variables, each checked and named if it is
   * bad: the adapter's own (`optionsFromEnvironment`) and `CREATE_TABLE` (default true).
   *
   * @throws ConfigurationError naming a variable that is missing or invalid.
   */
  static fromEnvironment<O extends { readonly createTable?: boolean | undefined }, F>(
    this: SqlFactoryClass<O, F>,
    env: Environment,
    init: FactoryInit = {},
  ): F {
    const options = this.optionsFromEnvironment(env);
    const createTable = env.read(CREATE_TABLE, envSchemas.boolean(true));
    return new this({ ...options, createTable }, { ...init, env });
  }

  /** The datastore, opened on first use and shared by this factory's recorders. */
  get datastore(): T["datastore"] {
    this.#datastore ??= this.openDatastore();
    return this.#datastore;
  }

  /** Opens the datastore (called once, on first use). */
  protected abstract openDatastore(): T["datastore"];

  /**
   * The table of this application's records for a purpose (`events`, `snapshots`, `tracking`).
   *
   * @throws ProgrammingError naming the table if its name isn't a plain identifier.
   */
  protected abstract table(purpose: string): T["table"];

  /** The classes of the recorders this factory makes. */
  protected abstract readonly recorderClasses: SqlRecorderClasses<T>;

  /** A recorder for sequences of events without notification ids (e.g. `"snapshots"`). */
  async aggregateRecorder(purpose = "events"): Promise<T["aggregateRecorder"]> {
    const { aggregate } = this.recorderClasses;
    return this.#prepared(new aggregate(this.datastore, this.table(purpose)));
  }

  /** A recorder of the application's events, with notification ids. */
  async applicationRecorder(): Promise<T["applicationRecorder"]> {
    const { application } = this.recorderClasses;
    return this.#prepared(new application(this.datastore, this.table("events")));
  }

  /** A recorder of tracking records alone, on the application's tracking table. */
  async trackingRecorder(): Promise<T["trackingRecorder"]> {
    const { tracking } = this.recorderClasses;
    return this.#prepared(new tracking(this.datastore, this.table("tracking")));
  }

  /** A recorder of the application's events with notification ids, and of tracking records. */
  async processRecorder(): Promise<T["processRecorder"]> {
    const { process } = this.recorderClasses;
    return this.#prepared(
      new process(this.datastore, this.table("events"), this.table("tracking")),
    );
  }

  async #prepared<R extends CreatesTables>(recorder: R): Promise<R> {
    if (this.options.createTable) await recorder.createTable();
    return recorder;
  }

  /** Closes the datastore; a recorder asked for later opens another. */
  override async close(): Promise<void> {
    await this.#datastore?.close();
    this.#datastore = undefined;
  }
}

/**
 * The value of a variable an adapter can't do without, trimmed; `exact` takes it as it is set
 * (a password: spaces kept, and blank allowed).
 *
 * @param description - what the value is, as the error names it: "SQLite database name".
 * @throws ConfigurationError naming the variables looked up, when it is unset (or blank).
 */
export function requiredVariable(
  env: Environment,
  key: string,
  description: string,
  { exact = false } = {},
): string {
  const value = env.get(key);
  if (value === undefined || (!exact && value.trim() === "")) {
    throw new ConfigurationError(
      `${description} not found in environment with keys: ${env.keysFor(key).join(", ")}`,
    );
  }
  return exact ? value : value.trim();
}
