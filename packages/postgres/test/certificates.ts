/**
 * Certificates made by `openssl` for one test run, in a directory of its own: an authority, a
 * server certificate it signed for `localhost` only (so that `127.0.0.1` is a wrong name), a
 * client certificate it signed for the user `postgres`, and a client certificate for the same
 * user signed by another authority, which the server must not trust. Keys are unencrypted EC
 * keys (quick to make); certificates last two days.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A certificate and its key, as files. */
export interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
}

/** The certificates of a run, and how to remove them. */
export interface Certificates {
  /** The test authority's certificate (PEM file). */
  readonly ca: string;
  /** The server's, for `localhost`. */
  readonly server: CertificateFiles;
  /** The client's, for the user `postgres`, signed by the test authority. */
  readonly client: CertificateFiles;
  /** A client certificate for `postgres` signed by another authority. */
  readonly stranger: CertificateFiles;
  /** Removes the directory. */
  readonly remove: () => void;
}

const openssl = (dir: string, ...args: string[]) =>
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });

const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** An authority: a self-signed certificate that may sign others. */
function authority(dir: string, name: string): void {
  openssl(
    dir,
    "req",
    "-x509",
    ...NEW_KEY,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-subj",
    `/CN=${name}`,
  );
}

/** A certificate for `subject`, signed by the authority `by`, with the extensions given. */
function signed(dir: string, name: string, by: string, subject: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(
    dir,
    "req",
    "-new",
    ...NEW_KEY,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    `/CN=${subject}`,
  );
  openssl(
    dir,
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${by}.crt`,
    "-CAkey",
    `${by}.key`,
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    `${name}.crt`,
    "-extfile",
    `${name}.ext`,
  );
}

/** Makes the certificates of a run in a fresh temporary directory. */
export function makeCertificates(): Certificates {
  const dir = mkdtempSync(join(tmpdir(), "es-postgres-certs-"));
  const files = (name: string): CertificateFiles => ({
    cert: join(dir, `${name}.crt`),
    key: join(dir, `${name}.key`),
  });
  try {
    authority(dir, "ca");
    authority(dir, "other-ca");
    signed(
      dir,
      "server",
      "ca",
      "localhost",
      "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n",
    );
    // PostgreSQL's `cert` authentication takes the certificate's common name as the user.
    signed(dir, "client", "ca", "postgres", "extendedKeyUsage=clientAuth\n");
    signed(dir, "stranger", "other-ca", "postgres", "extendedKeyUsage=clientAuth\n");
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    ca: join(dir, "ca.crt"),
    server: files("server"),
    client: files("client"),
    stranger: files("stranger"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
