/**
 * Two copies of this package in one process: an application bundle holds one, an adapter
 * installed beside it brings another. Neither adapter discovery nor catching errors may
 * depend on `instanceof` across the two.
 */
import { describe, expect, it } from "vitest";
import {
  ConfigurationError,
  DatabaseError,
  InfrastructureFactory,
  IntegrityError,
  PersistenceError,
  RecordConflictError,
  StoredEventDecodingError,
} from "../src/index.js";

const fixture = "@es-test/fixtures";

describe("copies of @es/persistence-core in one process", () => {
  it("finds an adapter whose factory extends another copy's base class, by its shape", async () => {
    const factory = await InfrastructureFactory.construct({
      env: { INFRASTRUCTURE_FACTORY: `${fixture}:ForeignFactory` },
    });
    expect(factory).not.toBeInstanceOf(InfrastructureFactory);
    const recorder = await factory.applicationRecorder();
    expect(await recorder.maxNotificationId()).toBe(0);
  });

  it("refuses a cipher class without encrypt() and decrypt(), naming the variable", async () => {
    await expect(
      InfrastructureFactory.construct({
        env: { CIPHER_TOPIC: `${fixture}:HalfCipher`, CIPHER_KEY: "k" },
      }),
    ).rejects.toThrow(
      /^Not a cipher class: .*:HalfCipher \(from 'CIPHER_TOPIC'\): expected a class with encrypt\(\) and decrypt\(\) methods$/,
    );
  });

  it("recognises errors thrown by the other copy with instanceof", async () => {
    // @ts-expect-error: a second instance of the module, as an installed adapter brings it
    const other: typeof import("../src/errors.js") = await import("../src/errors.js?copy");
    expect(other.IntegrityError).not.toBe(IntegrityError);
    const foreign = new other.IntegrityError("duplicate");
    expect(foreign).toBeInstanceOf(IntegrityError);
    expect(foreign).toBeInstanceOf(RecordConflictError);
    expect(foreign).toBeInstanceOf(DatabaseError);
    expect(foreign).toBeInstanceOf(PersistenceError);
    expect(foreign).toBeInstanceOf(Error);
    expect(foreign).not.toBeInstanceOf(ConfigurationError);
    expect(foreign).not.toBeInstanceOf(StoredEventDecodingError);
    expect(new IntegrityError("x")).toBeInstanceOf(other.PersistenceError);
    expect(new other.ConfigurationError("x")).toBeInstanceOf(ConfigurationError);
    expect(new other.OperationalError("x")).not.toBeInstanceOf(IntegrityError);
    expect(foreign.name).toBe("IntegrityError");
    expect(String(foreign)).toBe("IntegrityError: duplicate");
  });
});
