/** A store's rows read, and changed behind the application's back, with the driver (as an attacker would). */
import Database from "better-sqlite3";
import pg from "pg";
import type { StoreEnv } from "./stores.js";

/** Runs the statement on the store (on PostgreSQL, in the store's schema). */
export async function tamper(env: StoreEnv, statement: string): Promise<void> {
  await rows(env, statement);
}

/** The rows a statement returns from the store, read with the driver. */
export async function rows(env: StoreEnv, statement: string): Promise<Record<string, unknown>[]> {
  if (env.INFRASTRUCTURE_FACTORY === "@es/sqlite") {
    const db = new Database(env.SQLITE_DBNAME ?? "");
    try {
      const prepared = db.prepare(statement);
      if (prepared.reader) return prepared.all() as Record<string, unknown>[];
      prepared.run();
      return [];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({
    host: process.env.POSTGRES_HOST,
    port: Number(process.env.POSTGRES_PORT),
    user: process.env.POSTGRES_USER,
    password: process.env.POSTGRES_PASSWORD,
    database: process.env.POSTGRES_DBNAME,
  });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${env.POSTGRES_SCHEMA}"`);
    return (await client.query(statement)).rows;
  } finally {
    await client.end();
  }
}
