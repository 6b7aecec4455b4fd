/**
 * TLS settings, however they are given (options in code, variables, a URL's parameters): each
 * is checked against the others, the client certificate against its key, and they are spelled
 * out for pg. A message names a setting by where it came from and never shows a key's contents.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { messageOf } from "@es/domain";
import { ConfigurationError } from "@es/persistence-core";

/** `disable`, `require` (encrypted) or `verify-full` (encrypted, server certificate checked). */
export type SslMode = "disable" | "require" | "verify-full";

/** The TLS settings, with the PEM texts of the certificates and key. */
export interface TlsSettings {
  readonly sslMode: SslMode;
  readonly sslRootCert?: string | undefined;
  readonly sslCert?: string | undefined;
  readonly sslKey?: string | undefined;
}

/** A TLS setting's name. */
export type TlsSetting = keyof TlsSettings;

/**
 * How a message names a setting: `subject` starts a sentence ("option 'sslKey' of
 * @es/postgres"), `ref` names it inside one ("'sslMode'").
 */
export interface SettingNames {
  readonly subject: (setting: TlsSetting) => string;
  readonly ref: (setting: TlsSetting) => string;
}

/**
 * Checks that the settings fit together: a root certificate only with `verify-full`, a client
 * certificate and its key both or neither and only with TLS, the certificate a PEM certificate
 * and the key its unencrypted PEM private key.
 *
 * @throws ConfigurationError naming the setting, never showing a key.
 */
export function checkTls(settings: TlsSettings, names: SettingNames): void {
  const { sslMode, sslRootCert, sslCert, sslKey } = settings;
  if (sslRootCert !== undefined && sslMode !== "verify-full") {
    throw new ConfigurationError(
      `${names.subject("sslRootCert")} is only used when ${names.ref("sslMode")} is verify-full`,
    );
  }
  if ((sslCert === undefined) !== (sslKey === undefined)) {
    const [given, missing] =
      sslCert === undefined ? (["sslKey", "sslCert"] as const) : (["sslCert", "sslKey"] as const);
    throw new ConfigurationError(
      `${names.subject(given)} is given without ${names.ref(missing)}: a client certificate and its key go together`,
    );
  }
  if (sslCert === undefined || sslKey === undefined) return;
  if (sslMode === "disable") {
    throw new ConfigurationError(
      `${names.subject("sslCert")} is only used when ${names.ref("sslMode")} is require or verify-full`,
    );
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(sslCert);
  } catch {
    throw new ConfigurationError(`${names.subject("sslCert")} is not a PEM certificate`);
  }
  // Node's messages about a key quote nothing of it, but none is needed: the problem is named.
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(sslKey);
  } catch {
    throw new ConfigurationError(
      `${names.subject("sslKey")} is not an unencrypted PEM private key`,
    );
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new ConfigurationError(
      `${names.subject("sslKey")} is not the private key of ${names.ref("sslCert")} (${certificate.subject.replaceAll("\n", ", ")})`,
    );
  }
}

/** How pg connects: no TLS, or TLS with the server's certificate checked or not. */
export type PgTls =
  | false
  | {
      readonly rejectUnauthorized: boolean;
      readonly ca?: string;
      readonly cert?: string;
      readonly key?: string;
    };

/** The settings as pg takes them (`ssl`). */
export function pgTls({ sslMode, sslRootCert, sslCert, sslKey }: TlsSettings): PgTls {
  if (sslMode === "disable") return false;
  return {
    rejectUnauthorized: sslMode === "verify-full",
    ...(sslRootCert !== undefined ? { ca: sslRootCert } : {}),
    ...(sslCert !== undefined && sslKey !== undefined ? { cert: sslCert, key: sslKey } : {}),
  };
}

/**
 * A PEM file's text, or a ConfigurationError saying `what` names a file that can't be read
 * (the path and the reason: never the contents).
 */
export function readPemFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigurationError(`${what} names a file that can't be read: ${messageOf(error)}`);
  }
}
