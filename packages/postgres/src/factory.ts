/**
 * The PostgreSQL infrastructure: configured in code, `postgres({ host, user, password,
 * database })` or `postgres({ url })`, or from the environment, `INFRASTRUCTURE_FACTORY=@es/postgres`
 * with the `POSTGRES_*` variables (each may be prefixed with the application's name). All give
 * the same options, checked by one schema. Tables are named after the application (`worlds_events`,
 * `worlds_snapshots`, `worlds_tracking`), in the schema `POSTGRES_SCHEMA` (default `public`).
 */
import {
  ConfigurationError,
  type Environment,
  envSchemas,
  type FactoryInit,
  type Infrastructure,
  parseOptions,
  type StoreDescription,
  type StoredRecords,
} from "@es/persistence-core";
import {
  isIdentifier,
  isTrackingTable,
  quotedIdentifier,
  requiredVariable,
  SqlInfrastructureFactory,
  selectTrackingPositions,
  sortedDescription,
  TRACKING_COLUMNS,
  tableName,
} from "@es/persistence-core/sql";
import { z } from "zod";
import { type Connection, PostgresDatastore } from "./datastore.js";
import { PostgresPromptChannel } from "./prompt-channel.js";
import {
  PostgresAggregateRecorder,
  PostgresApplicationRecorder,
  PostgresProcessRecorder,
  PostgresTrackingRecorder,
} from "./recorders.js";
import { TableName } from "./schema.js";
import { PostgresStoredRecords } from "./stored-records.js";
import { notifyAfterCommits } from "./table-changes.js";
import { checkTls, pgTls, readPemFile, type SettingNames, type TlsSetting } from "./tls.js";
import { parameterOf, parseConnectionUrl, URL_PARAMETERS, type UrlOptions } from "./url.js";

/** The database to connect to (required). */
export const POSTGRES_DBNAME = "POSTGRES_DBNAME";
/** The server's host name or address (required). */
export const POSTGRES_HOST = "POSTGRES_HOST";
/** The server's port (default 5432). */
export const POSTGRES_PORT = "POSTGRES_PORT";
/** The user to connect as (required). */
export const POSTGRES_USER = "POSTGRES_USER";
/** The user's password (required; may be empty). Never shown in messages. */
export const POSTGRES_PASSWORD = "POSTGRES_PASSWORD";
/** The schema of the tables (default `public`). */
export const POSTGRES_SCHEMA = "POSTGRES_SCHEMA";
/** Seconds an idle connection is kept (empty: for ever; 0: one transaction). */
export const POSTGRES_CONN_MAX_AGE = "POSTGRES_CONN_MAX_AGE";
/** Whether a connection is checked before each use (strtobool; default no). */
export const POSTGRES_PRE_PING = "POSTGRES_PRE_PING";
/** Seconds a statement waits for a lock before failing (default 0: no limit). */
export const POSTGRES_LOCK_TIMEOUT = "POSTGRES_LOCK_TIMEOUT";
/** Seconds a transaction may sit idle before the server ends it (default 0: no limit). */
export const POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT =
  "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT";
/** TLS: `disable` (default), `require` or `verify-full`. */
export const POSTGRES_SSLMODE = "POSTGRES_SSLMODE";
/** A file of PEM certificates that may sign the server's, for `verify-full`. */
export const POSTGRES_SSLROOTCERT = "POSTGRES_SSLROOTCERT";
/** A PEM file of the client's certificate, shown to a server that asks for one (with its key). */
export const POSTGRES_SSLCERT = "POSTGRES_SSLCERT";
/** A PEM file of the client certificate's private key (unencrypted). Never shown in messages. */
export const POSTGRES_SSLKEY = "POSTGRES_SSLKEY";
/**
 * A connection URL, `postgres://user:password@host:port/database?sslmode=verify-full`, in place
 * of the host, port, user, password and database variables.
 */
export const POSTGRES_URL = "POSTGRES_URL";
/** Connections at most in the pool (default 10). */
export const POSTGRES_MAX_CONNECTIONS = "POSTGRES_MAX_CONNECTIONS";
/**
 * Whether the application NOTIFYs subscriptions in other processes after each commit
 * (strtobool; default no: they find new events by polling).
 */
export const POSTGRES_NOTIFY_SUBSCRIBERS = "POSTGRES_NOTIFY_SUBSCRIBERS";

/** Milliseconds PostgreSQL takes for a timeout setting (an int4). */
const MAX_MS = 2 ** 31 - 1;
const milliseconds = z.number().int({ error: "expected whole milliseconds" }).min(0).max(MAX_MS);
const SSL_MODE = z.enum(["disable", "require", "verify-full"], {
  error: "expected disable, require or verify-full",
});

const SCHEMA_NAME = z.string().refine(isIdentifier, {
  error: "expected a schema name of letters, digits and underscores",
});

const OPTIONS = z.strictObject({
  host: z.string().trim().min(1, { error: "a host is required" }),
  port: z.number().int().min(1).max(65_535).default(5432),
  user: z.string().min(1, { error: "a user is required" }),
  password: z.string(),
  database: z.string().min(1, { error: "a database name is required" }),
  /** The schema of the tables (created with them when `createTable`). */
  schema: SCHEMA_NAME.default("public"),
  /** `disable`, `require` (encrypted), or `verify-full` (encrypted, server certificate checked). */
  sslMode: SSL_MODE.default("disable"),
  /** PEM certificates of the authorities that may sign the server's, for `verify-full`. */
  sslRootCert: z.string().optional(),
  /** The client's PEM certificate, for a server that asks for one (with `sslKey`). */
  sslCert: z.string().optional(),
  /** The client certificate's unencrypted PEM private key (with `sslCert`). */
  sslKey: z.string().optional(),
  /** Connections at most in the pool. */
  maxConnections: z.number().int().min(1).max(10_000).default(10),
  /** How long an idle connection is kept: `null` for ever, 0 for one transaction only. */
  connMaxAgeMs: milliseconds.nullable().default(null),
  /** Whether connections are checked before each use (finds ones the server dropped). */
  prePing: z.boolean().default(false),
  /** How long a statement waits for a lock (0: no limit). */
  lockTimeoutMs: milliseconds.default(0),
  /** How long a transaction may sit idle before the server ends it (0: no limit). */
  idleInTransactionSessionTimeoutMs: milliseconds.default(0),
  /** How long to wait for a connection to be made. */
  connectTimeoutMs: milliseconds.default(5_000),
  /** Whether the recorders create their tables (and schema) when missing. */
  createTable: z.boolean().default(true),
  /**
   * Whether, after each commit, a NOTIFY tells subscriptions in other processes at once (else
   * they find new events at their next poll). It costs a round trip, sent without waiting.
   * Default false (left out of the resolved options when not given).
   */
  notifySubscribers: z.boolean().optional(),
});

/** The PostgreSQL adapter's options: host, user, password and database are required. */
export type PostgresOptions = z.input<typeof OPTIONS>;
/**
 * The options with a connection URL in place of host, port, user, password and database:
 * `postgres://user:password@host:port/database?sslmode=verify-full`.
 */
export type PostgresUrlOptions = Omit<
  PostgresOptions,
  "host" | "port" | "user" | "password" | "database"
> & {
  /**
   * The server and the login, the user and password percent-encoded; its parameters may be
   * `sslmode`, `sslrootcert`, `sslcert`, `sslkey` (files) and `connect_timeout` (seconds).
   */
  readonly url: string;
};
/** The options with their defaults filled in, less the password and key (kept out of sight). */
export type ResolvedPostgresOptions = Readonly<
  Omit<z.output<typeof OPTIONS>, "password" | "sslKey">
>;

const OWNER = "@es/postgres";
const OPTION_NAMES: SettingNames = {
  subject: (setting) => `option '${setting}' of ${OWNER}`,
  ref: (setting) => `'${setting}'`,
};

/**
 * The options checked and with their defaults, a URL read into the options it stands for.
 *
 * @throws ConfigurationError naming each option that is missing, invalid or given twice.
 */
function resolveOptions(options: PostgresOptions | PostgresUrlOptions): z.output<typeof OPTIONS> {
  if (typeof options !== "object" || options === null) return parseOptions(OPTIONS, options, OWNER);
  const { url, ...rest } = options as Record<string, unknown>;
  if (url === undefined) {
    const parsed = parseOptions(OPTIONS, rest, OWNER);
    checkTls(parsed, OPTION_NAMES);
    return parsed;
  }
  const what = `option 'url' of ${OWNER}`;
  if (typeof url !== "string")
    throw new ConfigurationError(`${what} is invalid: expected a string`);
  const fromUrl = parseConnectionUrl(url, what);
  const twice = Object.keys(fromUrl).filter((key) => rest[key] !== undefined);
  if (twice.length > 0) {
    throw new ConfigurationError(
      `${what} can't be given with ${twice.map((key) => `'${key}'`).join(", ")}: the URL sets ${twice.length > 1 ? "them" : "it"}`,
    );
  }
  const parsed = parseOptions(OPTIONS, { ...rest, ...fromUrl }, OWNER);
  checkTls(parsed, namesWithUrl(fromUrl, what, OPTION_NAMES));
  return parsed;
}

/** Names a setting by the URL's parameter when the URL gave it, else as `names` do. */
function namesWithUrl(fromUrl: UrlOptions, what: string, names: SettingNames): SettingNames {
  const inUrl = (setting: TlsSetting) => fromUrl[setting] !== undefined;
  return {
    subject: (setting) =>
      inUrl(setting) ? parameterOf(URL_PARAMETERS[setting], what) : names.subject(setting),
    ref: (setting) =>
      inUrl(setting) ? `the URL's '${URL_PARAMETERS[setting]}'` : names.ref(setting),
  };
}

/**
 * PostgreSQL, configured in code: `new Worlds({ infrastructure: postgres({ … }) })`. The
 * options are checked at once.
 *
 * @example
 * ```ts
 * const app = new Worlds({
 *   infrastructure: postgres({ host: "localhost", user: "es", password, database: "es" }),
 * });
 * const other = new Worlds({ infrastructure: postgres({ url: process.env.DATABASE_URL ?? "" }) });
 * ```
 * @throws ConfigurationError naming each option that is missing or invalid.
 */
export function postgres(options: PostgresOptions | PostgresUrlOptions): Infrastructure {
  resolveOptions(options);
  return { name: "@es/postgres", create: (init) => new PostgresFactory(options, init) };
}

/**
 * The PostgreSQL infrastructure of one application: a pool of connections, and recorders on
 * tables named after the application (`worlds_events`, `worlds_snapshots`, `worlds_tracking`)
 * in the configured schema. Selected by `INFRASTRUCTURE_FACTORY=@es/postgres` and the
 * `POSTGRES_*` variables, or made by `postgres(options)`.
 */
export class PostgresFactory extends SqlInfrastructureFactory<{
  options: ResolvedPostgresOptions;
  datastore: PostgresDatastore;
  table: TableName;
  aggregateRecorder: PostgresAggregateRecorder;
  applicationRecorder: PostgresApplicationRecorder;
  trackingRecorder: PostgresTrackingRecorder;
  processRecorder: PostgresProcessRecorder;
}> {
  readonly #password: string;
  readonly #sslKey: string | undefined;
  #promptChannel: PostgresPromptChannel | undefined;
  /** With `notifySubscribers`, stops the NOTIFYs after the datastore's commits. */
  #stopNotifying: (() => void) | undefined;

  constructor(options: PostgresOptions | PostgresUrlOptions, init: FactoryInit = {}) {
    const { password, sslKey, ...resolved } = resolveOptions(options);
    super(resolved, init);
    this.#password = password;
    this.#sslKey = sslKey;
  }

  /** The options from the environment's variables, each checked and named if it is bad. */
  static optionsFromEnvironment(env: Environment): PostgresOptions {
    const seconds = (key: string) =>
      env.read(key, envSchemas.integer(0, { min: 0, max: Math.floor(MAX_MS / 1000) }));
    const connMaxAge = env.read(POSTGRES_CONN_MAX_AGE, envSchemas.number(undefined));
    if (connMaxAge !== undefined && (connMaxAge < 0 || connMaxAge * 1000 > MAX_MS)) {
      throw new ConfigurationError(
        `Environment variable '${env.source(POSTGRES_CONN_MAX_AGE)}' is invalid: expected seconds from 0 to ${Math.floor(MAX_MS / 1000)}, or an empty string for no limit`,
      );
    }
    const server = serverFromEnvironment(env);
    return {
      ...server,
      schema: env.read(POSTGRES_SCHEMA, envSchemas.text("public", SCHEMA_NAME)),
      ...tlsFromEnvironment(env, server),
      maxConnections: env.read(
        POSTGRES_MAX_CONNECTIONS,
        envSchemas.integer(10, { min: 1, max: 10_000 }),
      ),
      connMaxAgeMs: connMaxAge === undefined ? null : Math.round(connMaxAge * 1000),
      prePing: env.read(POSTGRES_PRE_PING, envSchemas.boolean(false)),
      lockTimeoutMs: (seconds(POSTGRES_LOCK_TIMEOUT) ?? 0) * 1000,
      idleInTransactionSessionTimeoutMs:
        (seconds(POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT) ?? 0) * 1000,
      ...(env.get(POSTGRES_NOTIFY_SUBSCRIBERS) === undefined
        ? {}
        : { notifySubscribers: env.read(POSTGRES_NOTIFY_SUBSCRIBERS, envSchemas.boolean(false)) }),
    };
  }

  /**
   * The pool of connections, opened on first use and shared by this factory's recorders; with
   * `notifySubscribers`, each of its commits is followed by a NOTIFY of the events table.
   */
  protected openDatastore(): PostgresDatastore {
    const datastore = new PostgresDatastore({
      ...this.options,
      password: this.#password,
      applicationName: this.tablePrefix,
      ssl: pgTls({ ...this.options, sslKey: this.#sslKey }),
    });
    if (this.options.notifySubscribers) {
      this.#stopNotifying = notifyAfterCommits(datastore, this.table("events"));
    }
    return datastore;
  }

  /** The application's records in the schema as stored, for copying the store (`es copy`). */
  override async storedRecords(): Promise<StoredRecords> {
    return new PostgresStoredRecords(this.datastore, (kind) => this.table(kind));
  }

  /** The table a recorder of the purpose keeps its records in (in the schema): `worlds_events`. */
  override recorderTableName(purpose: string): string {
    return this.table(purpose).name;
  }

  protected table(purpose: string): TableName {
    return new TableName(this.options.schema, tableName(this.tablePrefix, purpose));
  }

  protected readonly recorderClasses = {
    aggregate: PostgresAggregateRecorder,
    application: PostgresApplicationRecorder,
    tracking: PostgresTrackingRecorder,
    process: PostgresProcessRecorder,
  };

  /** A server is shared by every process given its address. */
  override get isSharedByProcesses(): boolean {
    return true;
  }

  /** Prompts between processes by LISTEN/NOTIFY, among the applications of this schema. */
  override promptChannel(): PostgresPromptChannel {
    this.#promptChannel ??= new PostgresPromptChannel(this.datastore, this.options.schema);
    return this.#promptChannel;
  }

  /**
   * The schema's tables that the user may read, each with its rows counted, and its tracking
   * tables' positions, all read in one read-only transaction at one snapshot. Its location is
   * `host:port/database, schema "name"`.
   *
   * @throws ProgrammingError if tables keep being dropped while they are read.
   */
  override async describeStore(): Promise<StoreDescription> {
    const { host, port, database, schema } = this.options;
    const server = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    for (let attempt = 1; ; attempt++) {
      try {
        const { tables, tracking } = await this.datastore.transaction(
          (connection) => readTables(connection, schema),
          { readOnly: true },
        );
        return sortedDescription({
          store: "@es/postgres",
          location: `${server}/${database}, schema "${schema}"`,
          tables,
          tracking,
        });
      } catch (error) {
        // The catalog named a table dropped before it was counted (a view's rebuild drops
        // tables): read again, without it.
        if (attempt < DESCRIBE_ATTEMPTS && isUndefinedTable(error)) continue;
        throw error;
      }
    }
  }

  override async close(): Promise<void> {
    this.#stopNotifying?.();
    this.#stopNotifying = undefined;
    await super.close();
    this.#promptChannel = undefined;
  }
}

/** How many times `describeStore` reads a schema whose tables are dropped meanwhile. */
const DESCRIBE_ATTEMPTS = 3;

/**
 * The schema's tables (partitioned ones whole, not their partitions) that the user may read,
 * each with those of its columns that are tracking columns (`$2`).
 */
const SELECT_TABLES = `SELECT c.relname AS name,
    ARRAY(SELECT a.attname::text FROM pg_attribute a
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attname = ANY ($2::text[])) AS columns
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND has_table_privilege(c.oid, 'SELECT')`;

/** Each table of the schema with its rows, and the positions of those that are tracking tables. */
async function readTables(
  connection: Connection,
  schema: string,
): Promise<Pick<StoreDescription, "tables" | "tracking">> {
  // Every count and position read at one snapshot: as the schema's tables were at one moment.
  await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  const tables: { name: string; rows: number }[] = [];
  const tracking: { table: string; applicationName: string; notificationId: number }[] = [];
  const rows = await connection.query(SELECT_TABLES, [schema, TRACKING_COLUMNS]);
  for (const { name, columns } of rows as { name: string; columns: string[] }[]) {
    const table = `${quotedIdentifier(schema)}.${quotedIdentifier(name)}`;
    const [counted] = await connection.query(`SELECT count(*) AS n FROM ${table}`);
    tables.push({ name, rows: counted?.n as number });
    if (!isTrackingTable(name, columns)) continue;
    const positions = await connection.query(selectTrackingPositions(table));
    for (const position of positions as { application_name: string; notification_id: number }[]) {
      tracking.push({
        table: name,
        applicationName: position.application_name,
        notificationId: position.notification_id,
      });
    }
  }
  return { tables, tracking };
}

/** Whether a (translated) error is PostgreSQL's "relation does not exist" (SQLSTATE 42P01). */
function isUndefinedTable(error: unknown): boolean {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return cause?.code === "42P01";
}

/** The variables that name the server and the login, which `POSTGRES_URL` replaces. */
const SERVER_VARIABLES = [
  POSTGRES_HOST,
  POSTGRES_PORT,
  POSTGRES_USER,
  POSTGRES_PASSWORD,
  POSTGRES_DBNAME,
];

/** The server and the login: from `POSTGRES_URL`, or from a variable each. */
function serverFromEnvironment(env: Environment): UrlOptions {
  const url = env.get(POSTGRES_URL)?.trim();
  if (url) {
    const what = `Environment variable '${env.source(POSTGRES_URL)}'`;
    const also = SERVER_VARIABLES.filter((key) => env.get(key) !== undefined);
    if (also.length > 0) {
      throw new ConfigurationError(
        `${what} can't be given with ${also.map((key) => `'${env.source(key)}'`).join(", ")}: the URL names the server and the login`,
      );
    }
    return parseConnectionUrl(url, what);
  }
  const required = (key: string, what: string): string =>
    requiredVariable(env, key, `PostgreSQL ${what}`, { exact: key === POSTGRES_PASSWORD });
  return {
    database: required(POSTGRES_DBNAME, "database name"),
    host: required(POSTGRES_HOST, "host"),
    port: env.read(POSTGRES_PORT, envSchemas.integer(5432, { min: 1, max: 65_535 })) ?? 5432,
    user: required(POSTGRES_USER, "user"),
    password: required(POSTGRES_PASSWORD, "password"),
  };
}

/** The variable of each TLS setting (the certificate and key variables name files). */
const TLS_VARIABLES: Readonly<Record<TlsSetting, string>> = {
  sslMode: POSTGRES_SSLMODE,
  sslRootCert: POSTGRES_SSLROOTCERT,
  sslCert: POSTGRES_SSLCERT,
  sslKey: POSTGRES_SSLKEY,
};

/**
 * The TLS settings, from their variables and the URL's parameters (a setting given by both is
 * refused), the files read and checked together.
 */
function tlsFromEnvironment(env: Environment, server: UrlOptions) {
  const url = `Environment variable '${env.source(POSTGRES_URL)}'`;
  const given = (setting: TlsSetting) => {
    const value = env.get(TLS_VARIABLES[setting])?.trim();
    if (!value) return undefined;
    if (server[setting] !== undefined) {
      throw new ConfigurationError(
        `${url} sets ${URL_PARAMETERS[setting]}, and so does '${env.source(TLS_VARIABLES[setting])}': give it once`,
      );
    }
    return value;
  };
  const file = (setting: TlsSetting) => {
    const path = given(setting);
    if (path === undefined) return server[setting];
    return readPemFile(path, `Environment variable '${env.source(TLS_VARIABLES[setting])}'`);
  };
  const settings = {
    sslMode:
      given("sslMode") === undefined && server.sslMode !== undefined
        ? server.sslMode
        : env.read(
            POSTGRES_SSLMODE,
            envSchemas.text("disable", SSL_MODE, (text) => text.toLowerCase()),
          ),
    sslRootCert: file("sslRootCert"),
    sslCert: file("sslCert"),
    sslKey: file("sslKey"),
  };
  checkTls(
    settings,
    namesWithUrl(server, url, {
      subject: (setting) => `Environment variable '${env.source(TLS_VARIABLES[setting])}'`,
      ref: (setting) => `'${env.source(TLS_VARIABLES[setting])}'`,
    }),
  );
  const { sslMode, sslRootCert, sslCert, sslKey } = settings;
  return {
    sslMode,
    ...(sslRootCert === undefined ? {} : { sslRootCert }),
    ...(sslCert === undefined || sslKey === undefined ? {} : { sslCert, sslKey }),
  };
}

export default PostgresFactory;
