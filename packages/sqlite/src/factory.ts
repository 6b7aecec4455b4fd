/**
 * The SQLite infrastructure: configured in code, `sqlite({ path: "worlds.db" })`, or from the
 * environment, `INFRASTRUCTURE_FACTORY=@es/sqlite` with `SQLITE_DBNAME` (a path or `:memory:`;
 * required), `SQLITE_LOCK_TIMEOUT` (seconds; default 5), `SQLITE_SYNCHRONOUS` (`FULL`, the
 * default, `NORMAL` or `EXTRA`) and `CREATE_TABLE` (default true), each of which may be
 * prefixed with the application's name. Both ways give the same options, checked by one
 * schema. Tables are named after the application (`worlds_events`, `worlds_snapshots`,
 * `worlds_tracking`), so applications can share one database file.
 */
import {
  ConfigurationError,
  CREATE_TABLE,
  type Environment,
  envSchemas,
  type FactoryInit,
  type Infrastructure,
  InfrastructureFactory,
  parseOptions,
} from "@es/persistence-core";
import { z } from "zod";
import { SqliteDatastore } from "./datastore.js";
import {
  SqliteAggregateRecorder,
  SqliteApplicationRecorder,
  SqliteProcessRecorder,
} from "./recorders.js";
import { tableName } from "./schema.js";

export const SQLITE_DBNAME = "SQLITE_DBNAME";
export const SQLITE_LOCK_TIMEOUT = "SQLITE_LOCK_TIMEOUT";
export const SQLITE_SYNCHRONOUS = "SQLITE_SYNCHRONOUS";

/** The driver takes lock timeouts in milliseconds up to 2^31 - 1. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const SYNCHRONOUS = z.enum(["NORMAL", "FULL", "EXTRA"], {
  error: "expected FULL, NORMAL or EXTRA; OFF is refused, as it can lose committed events",
});

/** A file path or `:memory:`: not a name the driver would open as another file. */
const PATH = z
  .string()
  .trim()
  .min(1, { error: "a database path (or :memory:) is required" })
  .refine((name) => !name.includes("\u0000"), {
    error: "a file name can't contain a NUL character",
  })
  .refine((name) => !/^file:/i.test(name), {
    error: "URI file names (file:…) are not supported; give a path, or :memory:",
  });

/** The options of the SQLite adapter, in code or from the environment. */
const OPTIONS = z.strictObject({
  /** A database file's path, or `:memory:`. */
  path: PATH,
  /** Milliseconds a writer waits for another's write lock before `OperationalError`. */
  lockTimeoutMs: z
    .number()
    .int({ error: "expected a whole number of milliseconds" })
    .min(0)
    .max(MAX_TIMEOUT_MS)
    .default(5000),
  /** `FULL`: a committed save survives power loss; `NORMAL`: faster, crash-safe in WAL mode. */
  synchronous: SYNCHRONOUS.default("FULL"),
  /** Whether the recorders create their tables when missing. */
  createTable: z.boolean().default(true),
});

/** The SQLite adapter's options: `path` is required, the rest have defaults. */
export type SqliteOptions = z.input<typeof OPTIONS>;
/** The options with their defaults filled in. */
export type ResolvedSqliteOptions = Readonly<z.output<typeof OPTIONS>>;

/** The SQLite store, configured in code: `new Worlds({ infrastructure: sqlite({ path }) })`. */
export function sqlite(options: SqliteOptions): Infrastructure {
  const resolved = parseOptions(OPTIONS, options, "@es/sqlite");
  return { name: "@es/sqlite", create: (init) => new SqliteFactory(resolved, init) };
}

export class SqliteFactory extends InfrastructureFactory {
  readonly options: ResolvedSqliteOptions;
  /** The prefix of this application's tables: its name, or "stored". */
  readonly tablePrefix: string;
  #datastore: SqliteDatastore | undefined;

  constructor(options: SqliteOptions, init: FactoryInit = {}) {
    super(init);
    this.options = Object.freeze(parseOptions(OPTIONS, options, "@es/sqlite"));
    this.tablePrefix = this.applicationName.trim() === "" ? "stored" : this.applicationName;
    // Fail fast on names that can't be tables, before anything is opened.
    tableName(this.tablePrefix, "events");
  }

  /** A database file is shared by the processes that open it; a database in memory isn't. */
  override get isSharedByProcesses(): boolean {
    return this.options.path !== ":memory:";
  }

  /** The options from the environment's variables, each checked and named if it is bad. */
  static fromEnvironment<F extends SqliteFactory>(
    this: new (
      options: SqliteOptions,
      init: FactoryInit,
    ) => F,
    env: Environment,
    init: FactoryInit = {},
  ): F {
    if (!env.get(SQLITE_DBNAME)?.trim()) {
      throw new ConfigurationError(
        `SQLite database name not found in environment with keys: ${env.keysFor(SQLITE_DBNAME).join(", ")}`,
      );
    }
    const seconds = env.read(
      SQLITE_LOCK_TIMEOUT,
      envSchemas.integer(undefined, { min: 0, max: Math.floor(MAX_TIMEOUT_MS / 1000) }),
    );
    const options: SqliteOptions = {
      path: env.read(SQLITE_DBNAME, PATH),
      synchronous: env.read(
        SQLITE_SYNCHRONOUS,
        z
          .string()
          .optional()
          .transform((v) => (v === undefined || v.trim() === "" ? "FULL" : v.trim().toUpperCase()))
          .pipe(SYNCHRONOUS),
      ),
      createTable: env.read(CREATE_TABLE, envSchemas.boolean(true)),
      ...(seconds === undefined ? {} : { lockTimeoutMs: seconds * 1000 }),
    };
    return new this(options, { ...init, env });
  }

  /** The database connection, opened on first use and shared by this factory's recorders. */
  get datastore(): SqliteDatastore {
    this.#datastore ??= new SqliteDatastore(this.options);
    return this.#datastore;
  }

  async aggregateRecorder(purpose = "events"): Promise<SqliteAggregateRecorder> {
    return this.#prepared(
      new SqliteAggregateRecorder(this.datastore, tableName(this.tablePrefix, purpose)),
    );
  }

  async applicationRecorder(): Promise<SqliteApplicationRecorder> {
    return this.#prepared(
      new SqliteApplicationRecorder(this.datastore, tableName(this.tablePrefix, "events")),
    );
  }

  async processRecorder(): Promise<SqliteProcessRecorder> {
    return this.#prepared(
      new SqliteProcessRecorder(
        this.datastore,
        tableName(this.tablePrefix, "events"),
        tableName(this.tablePrefix, "tracking"),
      ),
    );
  }

  #prepared<R extends SqliteAggregateRecorder>(recorder: R): R {
    if (this.options.createTable) recorder.createTable();
    return recorder;
  }

  override async close(): Promise<void> {
    this.#datastore?.close();
    this.#datastore = undefined;
  }
}

export default SqliteFactory;
