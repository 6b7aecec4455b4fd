/**
 * Each package's index exports what users need: one root for every error class, and none of
 * the helpers the packages use among themselves.
 */
import * as application from "@es/application";
import * as cipher from "@es/cipher";
import * as cli from "@es/cli";
import * as domain from "@es/domain";
import * as persistenceCore from "@es/persistence-core";
import * as postgres from "@es/postgres";
import * as sqlite from "@es/sqlite";
import * as system from "@es/system";
import { describe, expect, it } from "vitest";

const packages: Record<string, Record<string, unknown>> = {
  "@es/domain": domain,
  "@es/persistence-core": persistenceCore,
  "@es/application": application,
  "@es/cipher": cipher,
  "@es/sqlite": sqlite,
  "@es/postgres": postgres,
  "@es/system": system,
  "@es/cli": cli,
};

describe("public API", () => {
  it("roots every error class of every package in EventSourcingError", () => {
    const errors: string[] = [];
    for (const [name, exports] of Object.entries(packages)) {
      for (const [key, value] of Object.entries(exports)) {
        if (typeof value !== "function" || !(value.prototype instanceof Error)) continue;
        errors.push(`${name}:${key}`);
        if (value === domain.EventSourcingError) continue;
        expect(value.prototype, `${name}:${key}`).toBeInstanceOf(domain.EventSourcingError);
      }
    }
    expect(errors).toEqual(
      expect.arrayContaining([
        "@es/domain:TopicError",
        "@es/persistence-core:PersistenceError",
        "@es/persistence-core:ConfigurationError",
        "@es/persistence-core:IntegrityError",
        "@es/persistence-core:StoredEventDecodingError",
        "@es/application:AggregateNotFoundError",
        "@es/cipher:CipherError",
        "@es/system:SystemError",
        "@es/system:RunnerAlreadyStarted",
      ]),
    );
  });

  it("keeps the packages' own helpers out of their indexes", () => {
    const internal: Record<string, string[]> = {
      "@es/domain": ["pascalCase", "aggregateClassInfo", "constructAggregate"],
      "@es/persistence-core": [
        "resolveModuleTopic",
        "DEFAULT_CIPHER_TOPIC",
        "withRedactedInspection",
        // The SQL adapters' toolkit is the ./sql subpath's, not the index's.
        "SqlInfrastructureFactory",
        "identifier",
        "tableName",
        "tablePrefix",
        "toBuffer",
        "toStoredEvent",
        "sql",
        "raw",
        "selectEvents",
        "requiredVariable",
      ],
      "@es/application": ["formatSectionId", "deferred"],
      "@es/system": ["Followers", "isLeaderClass", "isFollowerClass"],
      "@es/sqlite": ["translateError", "tableName", "translating", "quoted"],
      "@es/postgres": [
        "translateError",
        "identifier",
        "Prepared",
        "boundExpression",
        "insertApplicationStatement",
        "insertApplication",
        "lockNamespace",
      ],
    };
    for (const [name, keys] of Object.entries(internal)) {
      for (const key of keys) expect(packages[name], `${name}:${key}`).not.toHaveProperty(key);
    }
  });
});
