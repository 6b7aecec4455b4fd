/**
 * The stores the system tests run on, chosen by environment only: in memory, a SQLite file,
 * and PostgreSQL (the server named by the POSTGRES_* variables the test run provides), each
 * with a database or schema of the test's own.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "es-system-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const unique = () => randomUUID().replaceAll("-", "");

export const stores: readonly (readonly [string, () => Record<string, string>])[] = [
  ["in-memory", () => ({})],
  [
    "sqlite",
    () => ({ INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: join(dir, `${unique()}.db`) }),
  ],
  [
    "postgres",
    () => ({ INFRASTRUCTURE_FACTORY: "@es/postgres", POSTGRES_SCHEMA: `system_${unique()}` }),
  ],
];
