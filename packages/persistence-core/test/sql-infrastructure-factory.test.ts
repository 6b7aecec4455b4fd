/**
 * The base of SQL adapters' factories, with an adapter of its own: a "database" of named
 * tables in memory, whose recorders are the in-memory ones that create their tables there.
 */
import { describe, expect, it } from "vitest";
import {
  ConfigurationError,
  Environment,
  type FactoryInit,
  InMemoryProcessRecorder,
  ProgrammingError,
} from "../src/index.js";
import { requiredVariable, SqlInfrastructureFactory, tableName } from "../src/sql/index.js";
import { makeStoredEvent } from "../src/testing/index.js";

/** A database: the tables made in it, and whether it was closed. */
class Database {
  static opened = 0;
  readonly tables: string[] = [];
  closed = false;

  constructor() {
    Database.opened++;
  }

  close(): void {
    this.closed = true;
  }
}

/** A recorder of some of the database's tables: in memory, but it creates them there. */
class Tables extends InMemoryProcessRecorder {
  readonly database: Database;
  readonly tables: readonly string[];

  constructor(database: Database, ...tables: string[]) {
    super();
    this.database = database;
    this.tables = tables;
  }

  createTable(): void {
    this.database.tables.push(...this.tables);
  }
}

interface Options {
  readonly url: string;
  readonly createTable: boolean;
}

class ExampleFactory extends SqlInfrastructureFactory<{
  options: Options;
  datastore: Database;
  table: string;
  aggregateRecorder: Tables;
  applicationRecorder: Tables;
  trackingRecorder: Tables;
  processRecorder: Tables;
}> {
  protected readonly recorderClasses = {
    aggregate: Tables,
    application: Tables,
    tracking: Tables,
    process: Tables,
  };

  constructor(options: { url: string; createTable?: boolean | undefined }, init: FactoryInit = {}) {
    super({ url: options.url, createTable: options.createTable ?? true }, init);
  }

  static optionsFromEnvironment(env: Environment): { url: string } {
    return { url: requiredVariable(env, "EXAMPLE_URL", "Example database URL") };
  }

  protected openDatastore(): Database {
    return new Database();
  }

  protected table(purpose: string): string {
    return tableName(this.tablePrefix, purpose);
  }
}

const fromEnv = (name: string, values: Record<string, string>) =>
  ExampleFactory.fromEnvironment(new Environment(name, values));

describe("SqlInfrastructureFactory", () => {
  it("opens one datastore on first use, shares it, and opens another after closing", async () => {
    const opened = Database.opened;
    const factory = new ExampleFactory({ url: "x" }, { applicationName: "Worlds" });
    expect(Database.opened).toBe(opened);
    const events = await factory.applicationRecorder();
    const snapshots = await factory.aggregateRecorder("snapshots");
    expect(events.database).toBe(snapshots.database);
    expect(factory.datastore).toBe(events.database);
    expect(Database.opened).toBe(opened + 1);
    await factory.close();
    expect(events.database.closed).toBe(true);
    expect((await factory.processRecorder()).database).not.toBe(events.database);
    await factory.close();
  });

  it("names the tables after the application ('stored' without a name) and creates them", async () => {
    const worlds = new ExampleFactory({ url: "x" }, { applicationName: "Worlds" });
    await worlds.applicationRecorder();
    await worlds.aggregateRecorder("snapshots");
    await worlds.processRecorder();
    expect(worlds.datastore.tables).toEqual([
      "worlds_events",
      "worlds_snapshots",
      "worlds_events",
      "worlds_tracking",
    ]);
    const unnamed = new ExampleFactory({ url: "x" });
    expect(unnamed.tablePrefix).toBe("stored");
    expect((await unnamed.aggregateRecorder()).tables).toEqual(["stored_events"]);
  });

  it("gives a tracking recorder on the application's tracking table", async () => {
    const worlds = new ExampleFactory({ url: "x" }, { applicationName: "Worlds" });
    const recorder = await worlds.trackingRecorder();
    expect(recorder.tables).toEqual(["worlds_tracking"]);
    expect(worlds.datastore.tables).toEqual(["worlds_tracking"]);
  });

  it("creates no tables when createTable is false", async () => {
    const factory = new ExampleFactory({ url: "x", createTable: false }, { applicationName: "W" });
    const recorder = await factory.processRecorder();
    await recorder.insertEvents([makeStoredEvent("a", 1)]);
    expect(factory.datastore.tables).toEqual([]);
  });

  it("refuses an application name that can't name all its tables, before opening anything", () => {
    const opened = Database.opened;
    expect(() => new ExampleFactory({ url: "x" }, { applicationName: "bad name" })).toThrow(
      ProgrammingError,
    );
    // "_events" and "_tracking" would fit; "_snapshots" would not.
    expect(() => new ExampleFactory({ url: "x" }, { applicationName: "a".repeat(54) })).toThrow(
      `Invalid table name '${"a".repeat(54)}_snapshots'`,
    );
    expect(Database.opened).toBe(opened);
  });

  it("reads the adapter's options and CREATE_TABLE from the environment, naming a bad one", () => {
    const factory = fromEnv("Worlds", { EXAMPLE_URL: " db ", WORLDS_CREATE_TABLE: "no" });
    expect(factory.options).toEqual({ url: "db", createTable: false });
    expect(Object.isFrozen(factory.options)).toBe(true);
    expect(factory.env.name).toBe("Worlds");
    expect(fromEnv("Worlds", { EXAMPLE_URL: "db" }).options.createTable).toBe(true);
    expect(() => fromEnv("Worlds", { EXAMPLE_URL: "db", CREATE_TABLE: "perhaps" })).toThrow(
      "Environment variable 'CREATE_TABLE' is invalid",
    );
    expect(() => fromEnv("Worlds", {})).toThrow(
      new ConfigurationError(
        "Example database URL not found in environment with keys: WORLDS_EXAMPLE_URL, EXAMPLE_URL",
      ),
    );
  });
});

describe("requiredVariable", () => {
  it("gives the value trimmed, and refuses one unset or blank, naming the variables", () => {
    const env = new Environment("Worlds", { WORLDS_HOST: " db ", BLANK: " " });
    expect(requiredVariable(env, "HOST", "host")).toBe("db");
    expect(() => requiredVariable(env, "BLANK", "A blank")).toThrow(
      "A blank not found in environment with keys: WORLDS_BLANK, BLANK",
    );
    expect(() => requiredVariable(env, "PORT", "port")).toThrow(ConfigurationError);
  });

  it("gives an exact value as it is set, spaces kept and blank allowed", () => {
    const env = new Environment("", { PASSWORD: " s e c r e t ", EMPTY: "" });
    expect(requiredVariable(env, "PASSWORD", "password", { exact: true })).toBe(" s e c r e t ");
    expect(requiredVariable(env, "EMPTY", "password", { exact: true })).toBe("");
    expect(() => requiredVariable(env, "UNSET", "password", { exact: true })).toThrow(
      "password not found in environment with keys: UNSET",
    );
  });
});
