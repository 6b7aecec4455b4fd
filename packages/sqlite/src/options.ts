/**
 * The SQLite options, one schema for `sqlite()`, the environment and `SqliteDatastore`, so a
 * connection opened directly is checked as one opened by the adapter is (a missing path would
 * otherwise open a temporary database).
 */
import { z } from "zod";

/** The driver takes lock timeouts in milliseconds up to 2^31 - 1. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The largest page cache a connection may be given, in MiB (1 TiB: SQLite takes KiB as an int). */
export const MAX_CACHE_MIB = 1024 * 1024;

/** SQLite's `synchronous` settings that can't lose committed events. */
export const SYNCHRONOUS = z.enum(["NORMAL", "FULL", "EXTRA"], {
  error: "expected FULL, NORMAL or EXTRA; OFF is refused, as it can lose committed events",
});

/** A file path or `:memory:`: not a name the driver would open as another file. */
export const PATH = z
  .string()
  .trim()
  .min(1, { error: "a database path (or :memory:) is required" })
  .refine((name) => !name.includes("\u0000"), {
    error: "a file name can't contain a NUL character",
  })
  .refine((name) => !/^file:/i.test(name), {
    error: "URI file names (file:…) are not supported; give a path, or :memory:",
  });

/** The options of one connection (`SqliteDatastore`). */
const DATASTORE_SHAPE = {
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
  /**
   * MiB of the database's pages the connection keeps in memory (`PRAGMA cache_size`); unset,
   * the driver's default (16 MiB). A large store read at random (aggregates got by id) reads
   * less from the file with more.
   */
  cacheSizeMib: z
    .number()
    .int({ error: "expected a whole number of MiB" })
    .min(1)
    .max(MAX_CACHE_MIB)
    .optional(),
};

/** The options of a `SqliteDatastore`: the adapter's, but for `createTable`. */
export const DATASTORE_OPTIONS = z.strictObject(DATASTORE_SHAPE);

/** The options of the SQLite adapter, in code or from the environment. */
export const OPTIONS = z.strictObject({
  ...DATASTORE_SHAPE,
  /** Whether the recorders create their tables when missing. */
  createTable: z.boolean().default(true),
});
