/**
 * Infrastructure factory promises, for adapters: the factory the
 * environment names is constructed, gives the adapter's recorders (with and without
 * `CREATE_TABLE`), and a mapper without codecs unless the environment names some.
 */
import { describe, expect, it } from "vitest";
import type { EnvValues } from "../environment.js";
import {
  InfrastructureFactory as Factory,
  type InfrastructureFactory,
} from "../infrastructure-factory.js";
import { Mapper } from "../mapper.js";

type AnyClass = abstract new (...args: never[]) => unknown;

/** What the factory conformance tests need to know of an adapter. */
export interface FactoryKitOptions {
  /** The environment that selects and configures the adapter. */
  readonly env: () => EnvValues | Promise<EnvValues>;
  /** The adapter's factory class, which that environment should construct. */
  readonly factoryClass: AnyClass;
  /** The class of the recorders it gives for snapshots (and other sequences). */
  readonly aggregateRecorderClass: AnyClass;
  /** The class of the application recorders it gives. */
  readonly applicationRecorderClass: AnyClass;
  /** The class of the tracking recorders it gives. */
  readonly trackingRecorderClass: AnyClass;
  /** The class of the process recorders it gives. */
  readonly processRecorderClass: AnyClass;
}

/**
 * Declares the vitest tests of an adapter's infrastructure factory: the environment given
 * constructs the adapter's factory, with a mapper without codecs, and the factory gives the
 * adapter's recorders with tables created and not.
 *
 * @example
 * ```ts
 * describeInfrastructureFactory("SQLite", {
 *   env: () => ({ INFRASTRUCTURE_FACTORY: "@es/sqlite", SQLITE_DBNAME: ":memory:" }),
 *   factoryClass: SqliteFactory,
 *   aggregateRecorderClass: SqliteAggregateRecorder,
 *   applicationRecorderClass: SqliteApplicationRecorder,
 *   trackingRecorderClass: SqliteTrackingRecorder,
 *   processRecorderClass: SqliteProcessRecorder,
 * });
 * ```
 */
export function describeInfrastructureFactory(name: string, options: FactoryKitOptions): void {
  const construct = async (extra: EnvValues = {}): Promise<InfrastructureFactory> =>
    Factory.construct({ applicationName: "TestCase", env: { ...(await options.env()), ...extra } });

  describe(`${name}: infrastructure factory`, () => {
    it("is the factory the environment names, with a plain mapper", async () => {
      const factory = await construct();
      try {
        expect(factory).toBeInstanceOf(options.factoryClass);
        const mapper = factory.mapper();
        expect(mapper).toBeInstanceOf(Mapper);
        expect(mapper.cipher).toBeUndefined();
        expect(mapper.compressor).toBeUndefined();
      } finally {
        await factory.close();
      }
    });

    it.each(["y", "n"])("gives the adapter's recorders (CREATE_TABLE=%s)", async (createTable) => {
      const factory = await construct({ CREATE_TABLE: createTable });
      try {
        expect(await factory.aggregateRecorder("snapshots")).toBeInstanceOf(
          options.aggregateRecorderClass,
        );
        expect(await factory.applicationRecorder()).toBeInstanceOf(
          options.applicationRecorderClass,
        );
        expect(await factory.trackingRecorder()).toBeInstanceOf(options.trackingRecorderClass);
        expect(await factory.processRecorder()).toBeInstanceOf(options.processRecorderClass);
      } finally {
        await factory.close();
      }
    });
  });
}
