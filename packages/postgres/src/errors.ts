/**
 * Translates pg's errors into the persistence error hierarchy (PEP 249 names), by SQLSTATE
 * class, so that no driver error leaks out of a recorder. A lost or refused connection is an
 * `OperationalError`; using a pool or client that was closed is an `InterfaceError`. Errors
 * that are not the driver's pass through.
 */
import {
  DatabaseError,
  DataError,
  IntegrityError,
  InterfaceError,
  InternalError,
  NotSupportedError,
  OperationalError,
  type PersistenceError,
  ProgrammingError,
} from "@es/persistence-core";

type ErrorClass = new (message: string, options?: ErrorOptions) => PersistenceError;

/** The class for a SQLSTATE's first two characters (its class). */
const BY_CLASS: Readonly<Record<string, ErrorClass>> = {
  "08": OperationalError, // connection exception
  "0A": NotSupportedError, // feature not supported
  "22": DataError, // data exception
  "23": IntegrityError, // integrity constraint violation
  "25": OperationalError, // invalid transaction state (idle-in-transaction timeout)
  "28": OperationalError, // invalid authorization specification (login refused)
  "3D": OperationalError, // invalid catalog name (no such database)
  "40": OperationalError, // transaction rollback (serialization failure, deadlock)
  "42": ProgrammingError, // syntax error or access rule violation (no such table)
  "53": OperationalError, // insufficient resources
  "54": DataError, // program limit exceeded
  "55": OperationalError, // object not in prerequisite state (lock not available)
  "57": OperationalError, // operator intervention (terminated connection, cancelled query)
  "58": OperationalError, // system error
  XX: InternalError, // internal error
  P0: ProgrammingError, // PL/pgSQL
};

/** Node's network error codes: the server can't be reached, or the connection was lost. */
const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/** Node's TLS error codes: the server's certificate can't be trusted. */
const TLS = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * OpenSSL's TLS alerts by which a server refuses the client's certificate (none given when it
 * asks for one, or one signed by an authority it doesn't trust).
 */
const REFUSED_CERTIFICATE =
  /^ERR_SSL_TLSV1(3)?_ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_\w+|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED)$/;

/** Messages pg gives, without a SQLSTATE, for a connection lost or a client closed. */
const LOST =
  /connection terminated|connection error|not queryable|timeout exceeded when trying to connect|connection timeout/i;
const CLOSED =
  /client was closed|cannot use a pool after calling end|client has already been connected/i;

/** The persistence error for a thrown value, or the value itself if it isn't the driver's. */
export function translateError(error: unknown): unknown {
  if (!(error instanceof Error) || isLibraryError(error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    const ErrorClass = BY_CLASS[code.slice(0, 2)] ?? DatabaseError;
    return new ErrorClass(`${error.message} (SQLSTATE ${code})`, { cause: error });
  }
  if (typeof code === "string" && NETWORK.has(code)) {
    return new OperationalError(`Can't reach the PostgreSQL server: ${error.message}`, {
      cause: error,
    });
  }
  if ((typeof code === "string" && TLS.has(code)) || /does not support SSL/.test(error.message)) {
    return new OperationalError(
      `Can't make a TLS connection to the PostgreSQL server: ${error.message}`,
      {
        cause: error,
      },
    );
  }
  if (typeof code === "string" && code.startsWith("ERR_SSL_")) {
    // OpenSSL's message starts with an address and ends with a source file: its reason says it.
    const reason = (error as { reason?: unknown }).reason;
    const refused = REFUSED_CERTIFICATE.test(code)
      ? " (the server doesn't accept the client certificate)"
      : "";
    return new OperationalError(
      `Can't make a TLS connection to the PostgreSQL server: ${typeof reason === "string" ? reason : error.message}${refused}`,
      { cause: error },
    );
  }
  if (LOST.test(error.message)) {
    return new OperationalError(`The PostgreSQL connection was lost: ${error.message}`, {
      cause: error,
    });
  }
  if (CLOSED.test(error.message)) return new InterfaceError(error.message, { cause: error });
  return error;
}

/** Whether a translated error means the connection can't be used again. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const cause = (error as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === "string") {
    return code.startsWith("08") || code.startsWith("57P") || code === "25P03" || NETWORK.has(code);
  }
  return error instanceof OperationalError && LOST.test(error.message);
}

function isLibraryError(error: Error): boolean {
  return (
    error instanceof DatabaseError || error instanceof InterfaceError || error instanceof DataError
  );
}
