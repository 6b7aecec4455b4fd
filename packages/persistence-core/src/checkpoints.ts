/**
 * Signed checkpoints of an application's notification log: the log's running hash at a
 * notification, signed with an Ed25519 key (`node:crypto`). They are stored beside the
 * application's events, in a sequence of their own (an aggregate recorder's table,
 * `<application>_checkpoints`), and any one can be exported as a small JSON file to keep
 * elsewhere. Whoever has the public key can check them; only the holder of the private key
 * can make them, so a store rewritten without it fails the check.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { messageOf } from "@es/domain";
import { ConfigurationError, DataError } from "./errors.js";
import { HASH_LENGTH } from "./hash-checks.js";
import type { LogPosition } from "./log-hash.js";
import type { AggregateRecorder } from "./recorders.js";
import { type StoredEvent, storedEvent } from "./records.js";

/** A signed checkpoint: the log's hash up to a notification. */
export interface Checkpoint extends LogPosition {
  /** The application whose log it is. */
  readonly applicationName: string;
  /** Its place in the sequence of checkpoints, from 1. */
  readonly sequence: number;
  /** The Ed25519 signature of what it says. */
  readonly signature: Uint8Array;
}

/** A checkpoint as a JSON file keeps it. */
export interface ExportedCheckpoint {
  /** The application whose log it is. */
  readonly application: string;
  /** Its place in the sequence of checkpoints, from 1. */
  readonly sequence: number;
  /** The last notification it covers. */
  readonly notificationId: number;
  /** The notifications it covers, from the start of the log. */
  readonly count: number;
  /** The log's hash, in hex. */
  readonly logHash: string;
  /** The signature, in base64. */
  readonly signature: string;
}

/** The originator id and topic under which checkpoints are kept in their table. */
const ORIGINATOR_ID = "checkpoints";
const TOPIC = "es:checkpoint";

/** What is signed: every field of the checkpoint but the signature, in one canonical text. */
function signedText(checkpoint: Omit<Checkpoint, "signature">): Buffer {
  const { applicationName, sequence, notificationId, count, logHash } = checkpoint;
  const hex = Buffer.from(logHash).toString("hex");
  return Buffer.from(
    `es checkpoint v1\n${applicationName}\n${sequence}\n${notificationId}\n${count}\n${hex}`,
    "utf8",
  );
}

/**
 * A new Ed25519 key pair for checkpoints, each as one line of base64 (DER): the signing key
 * for the checkpointer (a secret: `CHECKPOINT_SIGNING_KEY`), the verifying key for whoever
 * checks the store (`CHECKPOINT_VERIFYING_KEY`).
 */
export function generateCheckpointKeys(): { signingKey: string; verifyingKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    signingKey: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
    verifyingKey: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
  };
}

/** A key given as PEM, or as one line of base64 DER (PKCS #8 private, SPKI public). */
function keyInput<T extends "pkcs8" | "spki">(key: string, type: T) {
  const text = key.trim();
  return text.startsWith("-----BEGIN")
    ? text
    : { key: Buffer.from(text, "base64"), format: "der" as const, type };
}

/**
 * A private key (PEM, base64 DER or a `KeyObject`) as a signing key, checked to be Ed25519.
 *
 * @throws ConfigurationError if it is not an Ed25519 private key (the key is never shown).
 */
export function signingKey(key: string | KeyObject): KeyObject {
  let object: KeyObject;
  try {
    object = typeof key === "string" ? createPrivateKey(keyInput(key, "pkcs8")) : key;
  } catch {
    throw new ConfigurationError(
      "The checkpoint signing key is not a private key (PEM, or base64 of PKCS #8 DER)",
    );
  }
  if (object.type !== "private" || object.asymmetricKeyType !== "ed25519") {
    throw new ConfigurationError("The checkpoint signing key is not an Ed25519 private key");
  }
  return object;
}

/**
 * A public key (PEM, base64 DER or a `KeyObject`; a private key gives its public half) as a
 * key that checks checkpoints, checked to be Ed25519.
 *
 * @throws ConfigurationError if it is not an Ed25519 key.
 */
export function verifyingKey(key: string | KeyObject): KeyObject {
  let object: KeyObject;
  try {
    object = typeof key === "string" ? createPublicKey(keyInput(key, "spki")) : key;
    if (object.type === "private") object = createPublicKey(object);
  } catch {
    throw new ConfigurationError(
      "The checkpoint verifying key is not a public key (PEM, or base64 of SPKI DER)",
    );
  }
  if (object.asymmetricKeyType !== "ed25519") {
    throw new ConfigurationError("The checkpoint verifying key is not an Ed25519 key");
  }
  return object;
}

/** Signs a checkpoint. */
export function signCheckpoint(
  checkpoint: Omit<Checkpoint, "signature">,
  key: KeyObject,
): Checkpoint {
  return Object.freeze({ ...checkpoint, signature: sign(null, signedText(checkpoint), key) });
}

/** Whether a checkpoint's signature is the key's signature of what it says. */
export function checkpointSigned(checkpoint: Checkpoint, key: KeyObject): boolean {
  try {
    return verify(null, signedText(checkpoint), key, checkpoint.signature);
  } catch {
    return false;
  }
}

/** A checkpoint as JSON to keep elsewhere. */
export function exportCheckpoint(checkpoint: Checkpoint): ExportedCheckpoint {
  return {
    application: checkpoint.applicationName,
    sequence: checkpoint.sequence,
    notificationId: checkpoint.notificationId,
    count: checkpoint.count,
    logHash: Buffer.from(checkpoint.logHash).toString("hex"),
    signature: Buffer.from(checkpoint.signature).toString("base64"),
  };
}

/**
 * A checkpoint read from JSON (a file kept elsewhere, or the store's own record).
 *
 * @throws DataError naming what is wrong with it.
 */
export function importCheckpoint(json: unknown): Checkpoint {
  const value = json as Partial<Record<keyof ExportedCheckpoint, unknown>> | null;
  const wholeNumber = (n: unknown) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  if (typeof value !== "object" || value === null) {
    throw new DataError("A checkpoint is not a JSON object");
  }
  const { application, sequence, notificationId, count, logHash, signature } = value;
  if (typeof application !== "string") throw new DataError("A checkpoint has no application");
  if (!wholeNumber(sequence) || !wholeNumber(notificationId) || !wholeNumber(count)) {
    throw new DataError("A checkpoint's sequence, notificationId and count are not whole numbers");
  }
  if (typeof logHash !== "string" || !/^[0-9a-f]+$/.test(logHash) || logHash.length !== 64) {
    throw new DataError(`A checkpoint's logHash is not ${HASH_LENGTH} bytes in hex`);
  }
  if (typeof signature !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) {
    throw new DataError("A checkpoint's signature is not base64");
  }
  return Object.freeze({
    applicationName: application,
    sequence: sequence as number,
    notificationId: notificationId as number,
    count: count as number,
    logHash: Buffer.from(logHash, "hex"),
    signature: Buffer.from(signature, "base64"),
  });
}

/** A checkpoint as its store holds it, or why the record there is not one. */
export type StoredCheckpoint =
  | { readonly sequence: number; readonly checkpoint: Checkpoint }
  | { readonly sequence: number; readonly problem: string };

/**
 * An application's checkpoints, in a sequence of their own in an aggregate recorder (its
 * `checkpoints` table). Two writers can't both add the same checkpoint: the second is refused
 * with `IntegrityError`, as a second event of one version is.
 */
export class CheckpointStore {
  /** The recorder the checkpoints are in. */
  readonly recorder: AggregateRecorder;

  constructor(recorder: AggregateRecorder) {
    this.recorder = recorder;
  }

  /**
   * Adds the next checkpoint.
   *
   * @throws IntegrityError if a checkpoint of its sequence is stored already.
   */
  async put(checkpoint: Checkpoint): Promise<void> {
    const state = Buffer.from(JSON.stringify(exportCheckpoint(checkpoint)), "utf8");
    await this.recorder.insertEvents([
      storedEvent({
        originatorId: ORIGINATOR_ID,
        originatorVersion: checkpoint.sequence,
        topic: TOPIC,
        state,
      }),
    ]);
  }

  /** Every record of the store, in sequence order: each a checkpoint, or what's wrong with it. */
  async all(): Promise<StoredCheckpoint[]> {
    return (await this.recorder.selectEvents(ORIGINATOR_ID)).map(parsed);
  }

  /** The last record of the store, if there is one: a checkpoint, or what's wrong with it. */
  async last(): Promise<StoredCheckpoint | undefined> {
    const [record] = await this.recorder.selectEvents(ORIGINATOR_ID, { desc: true, limit: 1 });
    return record && parsed(record);
  }
}

/** A stored record as a checkpoint, or what's wrong with it (a record is data, never trusted). */
function parsed(record: StoredEvent): StoredCheckpoint {
  const sequence = record.originatorVersion;
  try {
    if (record.topic !== TOPIC) throw new DataError(`its topic is '${record.topic}'`);
    const checkpoint = importCheckpoint(JSON.parse(Buffer.from(record.state).toString("utf8")));
    if (checkpoint.sequence !== sequence) {
      throw new DataError(`it says it is checkpoint ${checkpoint.sequence}`);
    }
    return { sequence, checkpoint };
  } catch (error) {
    return { sequence, problem: messageOf(error) };
  }
}
