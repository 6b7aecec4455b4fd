/** Changing a store's rows behind the application's back, with the driver, as an attacker would. */
import Database from "better-sqlite3";
import pg from "pg";
import type { StoreEnv } from "./stores.js";

/** Runs the statement on the store (on PostgreSQL, in the store's schema). */
export async function tamper(env: StoreEnv, statement: string): Promise<void> {
  if (env.INFRASTRUCTURE_FACTORY === "@es/sqlite") {
    const db = new Database(env.SQLITE_DBNAME ?? "");
    try {
      db.exec(statement);
    } finally {
      db.close();
    }
    return;
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
    await client.query(statement);
  } finally {
    await client.end();
  }
}
