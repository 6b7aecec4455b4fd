/**
 * `es history ID`: one aggregate's stored events, with versions, topics, timestamps and their
 * attributes. Attributes are decoded with the store's codecs alone (no classes needed); with
 * `--decode`, the application's module also gives the aggregate's state at the version.
 */
import type { Application } from "@es/application";
import type { StoredEvent } from "@es/persistence-core";
import { CliError } from "../cli-error.js";
import type { CliIo } from "../io.js";
import { printFields, printJson, printTable } from "../output.js";
import { openStore, type StoreOptions } from "../store.js";

/** What `history` takes. */
export interface HistoryOptions extends StoreOptions {
  /** The last version shown (and the one the aggregate's state is of). */
  readonly at?: number | undefined;
  readonly json?: boolean | undefined;
}

/** Prints the aggregate's history; resolves to the exit status. */
export async function history(id: string, options: HistoryOptions, io: CliIo): Promise<number> {
  const app = await openStore(options, io, { decodes: true });
  try {
    const stored = await app.recorder.selectEvents(
      id,
      options.at === undefined ? {} : { lte: options.at },
    );
    if (stored.length === 0) {
      throw new CliError(
        options.at === undefined
          ? `Application ${app.name} has no events of ${id}`
          : `Application ${app.name} has no events of ${id} up to version ${options.at}`,
      );
    }
    const events = stored.map((event) => decoded(app, event));
    const state =
      options.decode === undefined ? undefined : await aggregateState(app, id, options.at);
    if (options.json) {
      for (const event of events) printJson(io, event);
      if (state !== undefined) printJson(io, { aggregate: state });
      return 0;
    }
    printTable(
      io,
      events.map((event) => ({
        version: event.version,
        topic: event.topic,
        timestamp: event.timestamp,
        attributes: event.attributes ?? `(${event.undecoded})`,
      })),
    );
    if (state !== undefined) {
      io.stdout.write(`\n${id} at version ${String(state.version)}:\n`);
      printFields(io, state);
    }
    return 0;
  } finally {
    await app.close();
  }
}

interface DecodedEvent {
  readonly version: number;
  readonly topic: string;
  readonly timestamp?: string | undefined;
  /** The attributes, JSON-safe; absent if they couldn't be decoded. */
  readonly attributes?: Record<string, unknown> | undefined;
  /** Why not, and the stored bytes in base64. */
  readonly undecoded?: string | undefined;
  readonly state?: string | undefined;
}

/** The stored event's attributes, by the store's codecs and the JSON transcoder alone. */
function decoded(app: Application, event: StoredEvent): DecodedEvent {
  const { mapper } = app;
  const base = { version: event.originatorVersion, topic: event.topic };
  try {
    const { timestamp, ...attributes } = mapper.decodeState(event) as Record<string, unknown>;
    return {
      ...base,
      timestamp: timestamp instanceof Date ? timestamp.toISOString() : undefined,
      attributes: jsonSafe(attributes) as Record<string, unknown>,
    };
  } catch (error) {
    return {
      ...base,
      undecoded: `not decoded: ${(error as Error).message}`,
      state: Buffer.from(event.state).toString("base64"),
    };
  }
}

/** The aggregate's fields at the version, by the application's own classes. */
async function aggregateState(
  app: Application,
  id: string,
  version: number | undefined,
): Promise<Record<string, unknown>> {
  const aggregate = await app.repository.get(id, version === undefined ? {} : { version });
  return {
    version: aggregate.version,
    createdOn: aggregate.createdOn.toISOString(),
    modifiedOn: aggregate.modifiedOn.toISOString(),
    ...(jsonSafe({ ...aggregate }) as Record<string, unknown>),
  };
}

/** A decoded value as JSON shows it: dates as ISO text, bytes in base64, maps and sets as lists. */
function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Map) return [...value].map(([k, v]) => [jsonSafe(k), jsonSafe(v)]);
  if (value instanceof Set) return [...value].map(jsonSafe);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}
