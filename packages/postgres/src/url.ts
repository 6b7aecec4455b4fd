/**
 * A connection URL, `postgres://user:password@host:port/database?sslmode=verify-full`, read
 * into the options it stands for, as libpq reads one: the user, password and database
 * percent-decoded, and the parameters `sslmode`, `sslrootcert`, `sslcert` and `sslkey` (file
 * paths, read here) and `connect_timeout` (seconds). Other parameters are refused rather than
 * ignored, since some would change what is secured. No message quotes the URL, whose password
 * it would show.
 */
import { ConfigurationError } from "@es/persistence-core";
import { readPemFile, type SslMode, type TlsSetting } from "./tls.js";

/** What a URL gives: the server and the login, and the TLS settings and timeout it sets. */
export interface UrlOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly sslMode?: SslMode;
  readonly sslRootCert?: string;
  readonly sslCert?: string;
  readonly sslKey?: string;
  readonly connectTimeoutMs?: number;
}

/** The URL parameter of each TLS setting (libpq's names). */
export const URL_PARAMETERS: Readonly<Record<TlsSetting, string>> = {
  sslMode: "sslmode",
  sslRootCert: "sslrootcert",
  sslCert: "sslcert",
  sslKey: "sslkey",
};

const FILES = { sslrootcert: "sslRootCert", sslcert: "sslCert", sslkey: "sslKey" } as const;
const SSL_MODES: readonly string[] = ["disable", "require", "verify-full"] satisfies SslMode[];
const SUPPORTED = "sslmode, sslrootcert, sslcert, sslkey and connect_timeout";
const SHAPE = "postgres://user:password@host:port/database";

/** How a message starts that names a URL's parameter: "The parameter 'sslkey' of option 'url'…". */
export function parameterOf(name: string, what: string): string {
  return `The parameter '${name}' of ${what.charAt(0).toLowerCase()}${what.slice(1)}`;
}

/**
 * The options a connection URL stands for. `what` names where it came from in messages
 * ("option 'url' of @es/postgres", "Environment variable 'POSTGRES_URL'").
 *
 * @throws ConfigurationError naming the problem, never quoting the URL or its password.
 */
export function parseConnectionUrl(text: string, what: string): UrlOptions {
  const problem = (message: string) => new ConfigurationError(`${what} ${message}`);
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    // The thrown error carries the input, password and all: it is not kept as the cause.
    throw problem(`is not a valid URL: expected ${SHAPE}`);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw problem(`is not a postgres:// or postgresql:// URL: expected ${SHAPE}`);
  }
  if (url.hash !== "") {
    throw problem("has a fragment: a '#' in the password must be percent-encoded, as %23");
  }
  const decoded = (part: string, name: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw problem(`has a ${name} that is not validly percent-encoded`);
    }
  };
  const host = decoded(url.hostname.replace(/^\[(.*)\]$/, "$1"), "host");
  if (host === "") throw problem(`names no host: expected ${SHAPE}`);
  if (host.includes(",")) throw problem("names several hosts: only one is supported");
  const port = url.port === "" ? 5432 : Number(url.port);
  if (port < 1) throw problem("names port 0: expected a port from 1 to 65535");
  const user = decoded(url.username, "user");
  if (user === "") throw problem(`names no user: expected ${SHAPE}`);
  const database = decoded(url.pathname.replace(/^\//, ""), "database name");
  if (database === "") throw problem(`names no database: expected ${SHAPE}`);

  const options: { -readonly [K in keyof UrlOptions]: UrlOptions[K] } = {
    host,
    port,
    user,
    password: decoded(url.password, "password"),
    database,
  };
  for (const [name, value] of url.searchParams) {
    if (name === "sslmode") {
      const mode = value.trim().toLowerCase();
      if (!SSL_MODES.includes(mode)) {
        throw problem(
          `has an sslmode that isn't supported: ${JSON.stringify(value.slice(0, 20))} (expected disable, require or verify-full)`,
        );
      }
      options.sslMode = mode as SslMode;
    } else if (name === "connect_timeout") {
      const seconds = /^\d{1,6}$/.test(value.trim()) ? Number(value) : Number.NaN;
      if (Number.isNaN(seconds)) throw problem("has a connect_timeout that isn't whole seconds");
      options.connectTimeoutMs = seconds * 1000;
    } else if (Object.hasOwn(FILES, name)) {
      options[FILES[name as keyof typeof FILES]] = readPemFile(value, parameterOf(name, what));
    } else {
      throw problem(
        `has the parameter '${name.slice(0, 40)}', which isn't supported (only ${SUPPORTED})`,
      );
    }
  }
  return options;
}
