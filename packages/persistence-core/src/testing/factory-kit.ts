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

export interface FactoryKitOptions {
  /** The environment that selects and configures the adapter. */
  readonly env: () => EnvValues | Promise<EnvValues>;
  readonly factoryClass: AnyClass;
  readonly aggregateRecorderClass: AnyClass;
  readonly applicationRecorderClass: AnyClass;
  readonly processRecorderClass: AnyClass;
}

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
        expect(await factory.processRecorder()).toBeInstanceOf(options.processRecorderClass);
      } finally {
        await factory.close();
      }
    });
  });
}
