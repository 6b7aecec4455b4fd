/**
 * An application's name prefixes its environment variables and names its tables, both folded
 * (upper-cased, and punctuation made `_`, for variables; lower-cased for tables): two
 * applications in one process whose names fold to the same would silently share them.
 */
import { ConfigurationError } from "@es/persistence-core";
import { describe, expect, it } from "vitest";
import { Application } from "../src/index.js";

describe("application names that fold together", () => {
  it("refuses a second application whose name maps to the first's tables, naming both", async () => {
    class Ledger extends Application {}
    class ShoutedLedger extends Application {
      static override applicationName = "LEDGER";
    }
    const first = new Ledger();
    expect(() => new ShoutedLedger()).toThrow(ConfigurationError);
    expect(() => new ShoutedLedger()).toThrow(
      "Application name 'LEDGER' folds to the same environment prefix (LEDGER_) and tables (ledger_…) as 'Ledger', another application in this process: they would share them; give one of them another name",
    );
    await first.close();
  });

  it("refuses a second application whose name maps to the first's environment prefix", async () => {
    class Dashed extends Application {
      static override applicationName = "a-b";
    }
    class Dotted extends Application {
      static override applicationName = "a.b";
    }
    const first = new Dashed();
    expect(() => new Dotted()).toThrow(
      /'a\.b' folds to the same environment prefix \(A_B_\).* as 'a-b'/,
    );
    await first.close();
  });

  it("lets applications of one name share, as instances of one application do", async () => {
    class Journal extends Application {}
    class JournalReader extends Application {
      static override applicationName = "Journal";
    }
    const apps = [new Journal(), new Journal(), new JournalReader()];
    await Promise.all(apps.map((app) => app.ready));
    await Promise.all(apps.map((app) => app.close()));
  });
});
