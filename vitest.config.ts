import { defineConfig } from "vitest/config";

// One vitest run over every workspace project, so that a single summary counts every test.
export default defineConfig({
  test: {
    projects: ["packages/*", "examples/*", "docs", "tooling"],
    // One PostgreSQL server for the whole run (projects that start their own when run alone
    // find it in the environment), stopped when the run ends.
    globalSetup: ["packages/postgres/test/global-setup.ts"],
  },
});
