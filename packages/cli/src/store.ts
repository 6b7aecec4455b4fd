/**
 * Opening the store an application uses, configured exactly as the application is: the same
 * variables (prefixed by the application's name, or not), from the environment and, if given,
 * an env file. Commands that only read never create a table.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseEnv } from "node:util";
import { Application, type ApplicationClass, applicationNameOf } from "@es/application";
import {
  CIPHER_KEY,
  CIPHER_TOPIC,
  COMPRESSOR_TOPIC,
  CREATE_TABLE,
  Environment,
  INFRASTRUCTURE_FACTORY,
} from "@es/persistence-core";
import { CliError } from "./cli-error.js";
import type { CliIo } from "./io.js";

/** How a command finds the store: the global options. */
export interface StoreOptions {
  /** The application's name: it names the tables and prefixes the variables. */
  readonly app?: string | undefined;
  /** A file of variables (`NAME=value` lines); variables already set take precedence. */
  readonly envFile?: string | undefined;
  /**
   * A module of the application's code (`./dist/app.js`, a package, `:Export` to pick one): its
   * classes are registered by importing it, and an `Application` subclass it exports under the
   * application's name (or the one `:Export` names) decodes with its own transcodings.
   */
  readonly decode?: string | undefined;
}

/** Opens the application's store; the caller closes the application it resolves to. */
export async function openStore(
  options: StoreOptions,
  io: CliIo,
  {
    writes = false,
    decodes = false,
  }: {
    /** Whether the command writes (else no table is made). */
    readonly writes?: boolean;
    /** Whether it decodes stored state (else the cipher and compressor, and a key, aren't needed). */
    readonly decodes?: boolean;
  } = {},
): Promise<Application> {
  const name = options.app ?? io.env.ES_APP;
  if (name === undefined || name.trim() === "") {
    throw new CliError(
      "Which application? Give its name with --app NAME (or ES_APP): it names the tables and prefixes the variables",
    );
  }
  const env = { ...readEnvFile(options.envFile, io), ...definedValues(io.env) };
  const environment = new Environment(name, env);
  if (!environment.get(INFRASTRUCTURE_FACTORY)?.trim()) {
    throw new CliError(
      `No store is configured for application '${name}': set ${INFRASTRUCTURE_FACTORY} (@es/sqlite with SQLITE_DBNAME, or @es/postgres with POSTGRES_*) in the environment or a file given by --env-file`,
    );
  }
  refuseMissingDatabaseFile(environment, io);
  if (!writes) {
    // Whichever spelling the environment uses, a read never makes a table.
    for (const key of environment.keysFor(CREATE_TABLE)) env[key] = "n";
  }
  if (!decodes) {
    // Stored records are shown and verified as stored: a store is read without its key.
    for (const variable of [CIPHER_TOPIC, CIPHER_KEY, COMPRESSOR_TOPIC]) {
      // Empty, rather than absent, as the application also reads the process's environment.
      for (const key of environment.keysFor(variable)) env[key] = "";
    }
  }
  const cls = await applicationClass(name, options.decode, io);
  const app = new cls({ env });
  try {
    await app.ready;
    if (writes) await refuseWithoutEvents(app);
  } catch (error) {
    await app.close().catch(() => {});
    throw error;
  }
  return app;
}

/**
 * A command that writes (a view's rebuild) could make the tables of a mistyped application in
 * the store it opens: it refuses a store without the application's events table instead.
 */
async function refuseWithoutEvents(app: Application): Promise<void> {
  const table = app.factory.recorderTableName("events");
  if (table === undefined) return;
  const { tables } = await app.factory.describeStore();
  if (!tables.some(({ name }) => name === table)) {
    throw new CliError(
      `The store has no table ${table}: application ${app.name} has recorded nothing there (is --app its name?)`,
    );
  }
}

/** The variables that have values. */
function definedValues(env: CliIo["env"]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) values[key] = value;
  return values;
}

/** The variables of an env file (none if no file is given). */
export function readEnvFile(path: string | undefined, io: CliIo): Record<string, string> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, path), "utf8");
  } catch (error) {
    throw new CliError(`Can't read the env file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return definedValues(parseEnv(text));
}

/**
 * SQLite makes a database file that isn't there: a mistyped name would leave an empty file and
 * show an empty store. A command refuses instead.
 */
function refuseMissingDatabaseFile(environment: Environment, io: CliIo): void {
  if (environment.get(INFRASTRUCTURE_FACTORY)?.trim() !== "@es/sqlite") return;
  const path = environment.get("SQLITE_DBNAME")?.trim();
  if (path === undefined || path === "" || path === ":memory:" || path.startsWith("file:")) return;
  if (!existsSync(resolve(io.cwd, path))) {
    throw new CliError(
      `There is no SQLite database at ${path} (from ${environment.source("SQLITE_DBNAME")})`,
    );
  }
}

/**
 * The application class to open the store with: the one the application's module exports (so
 * its transcodings decode), else a plain `Application` of that name (stored records need no
 * classes).
 */
async function applicationClass(
  name: string,
  decode: string | undefined,
  io: CliIo,
): Promise<ApplicationClass> {
  if (decode !== undefined) {
    const [specifier, exportName] = splitExport(decode);
    const module = await importModule(specifier, io);
    if (exportName !== undefined) {
      const exported = module[exportName];
      if (!isApplicationClass(exported)) {
        throw new CliError(`${specifier} exports no Application class named ${exportName}`);
      }
      return exported;
    }
    const named = Object.values(module).find(
      (value) => isApplicationClass(value) && applicationNameOf(value) === name,
    );
    if (named !== undefined) return named as ApplicationClass;
  }
  return class extends Application {
    static override applicationName = name;
  };
}

/** The application's module that `--decode` names (without its `:Export`), imported. */
export function applicationModule(decode: string, io: CliIo): Promise<Record<string, unknown>> {
  return importModule(splitExport(decode)[0], io);
}

/** `./app.js:Worlds` → [`./app.js`, `Worlds`]; a Windows drive's colon is not a separator. */
function splitExport(decode: string): [string, string | undefined] {
  const match = /^(.+?):([A-Za-z_$][\w$]*)$/.exec(decode);
  return match && !/^[A-Za-z]$/.test(match[1] ?? "")
    ? [match[1] ?? "", match[2]]
    : [decode, undefined];
}

async function importModule(specifier: string, io: CliIo): Promise<Record<string, unknown>> {
  const isPath = specifier.startsWith(".") || isAbsolute(specifier);
  const target = isPath ? pathToFileURL(resolve(io.cwd, specifier)).href : specifier;
  try {
    return (await import(target)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(
      `Can't load the application's module ${specifier}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function isApplicationClass(value: unknown): value is ApplicationClass {
  return typeof value === "function" && value.prototype instanceof Application;
}
