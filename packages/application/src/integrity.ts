/**
 * What an application's integrity checks are made of: the keys of its checkpoints (given, or
 * from its environment) and the check of one aggregate's stored events.
 */
import type { KeyObject } from "node:crypto";
import {
  CHECKPOINT_SIGNING_KEY,
  CHECKPOINT_VERIFYING_KEY,
  type Checkpoint,
  ConfigurationError,
  type Environment,
  HashChain,
  type IntegrityViolation,
  type StoredEvent,
  signingKey,
  type VerifyStoreOptions,
  verifyingKey,
} from "@es/persistence-core";

/** How an application's store is verified. */
export interface VerifyOptions {
  /**
   * The key that checks the checkpoints' signatures (PEM, base64 DER or a `KeyObject`); else
   * `CHECKPOINT_VERIFYING_KEY`, else the public half of `CHECKPOINT_SIGNING_KEY`. Without
   * any, the signatures are not checked.
   */
  readonly verifyingKey?: string | KeyObject | undefined;
  /** A checkpoint kept elsewhere (`importCheckpoint(json)`): the store must have it. */
  readonly checkpoint?: Checkpoint | undefined;
  /** Called after each page of notifications. */
  readonly onProgress?: VerifyStoreOptions["onProgress"];
  /** Notifications read at a time (default 1000). */
  readonly pageSize?: number | undefined;
}

/** How an application's checkpointer is made. */
export interface CheckpointingOptions {
  /** The key that signs (PEM, base64 DER or a `KeyObject`); else `CHECKPOINT_SIGNING_KEY`. */
  readonly signingKey?: string | KeyObject | undefined;
  /** Notifications per checkpoint; else `CHECKPOINT_INTERVAL`, else 1000. */
  readonly every?: number | undefined;
}

/** The key that checks checkpoints: given, or from the environment; undefined if none. */
export function verifyingKeyOf(
  env: Environment,
  given?: string | KeyObject,
): KeyObject | undefined {
  if (given !== undefined) return verifyingKey(given);
  const verifying = env.get(CHECKPOINT_VERIFYING_KEY);
  if (verifying) return verifyingKey(verifying);
  const signing = env.get(CHECKPOINT_SIGNING_KEY);
  return signing ? verifyingKey(signingKey(signing)) : undefined;
}

/**
 * The key that signs checkpoints: given, or from the environment.
 *
 * @throws ConfigurationError if there is none, or it is not an Ed25519 private key.
 */
export function signingKeyOf(env: Environment, given?: string | KeyObject): KeyObject {
  const key = given ?? env.get(CHECKPOINT_SIGNING_KEY);
  if (key === undefined || key === "") {
    throw new ConfigurationError(
      `Checkpoints need a signing key: give one, or set ${env.keysFor(CHECKPOINT_SIGNING_KEY).join(" or ")}`,
    );
  }
  return signingKey(key);
}

/**
 * The first violation in an aggregate's stored events, checked from its genesis: events
 * recorded without hashes are reported too (as `unchained`), never taken as intact.
 */
export function aggregateViolation(
  applicationName: string,
  aggregateId: string,
  events: readonly StoredEvent[],
): IntegrityViolation | undefined {
  const chain = new HashChain(applicationName);
  const violation = chain.check(events, { version: 0, hash: chain.genesis(aggregateId) });
  if (violation) return violation;
  const unhashed = events.find((event) => event.hash === undefined);
  return unhashed
    ? {
        kind: "unchained",
        applicationName,
        originatorId: aggregateId,
        originatorVersion: unhashed.originatorVersion,
        detail: "recorded without hashes (before hashing was on, or their hashes removed)",
      }
    : undefined;
}
