import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "cli",
    include: ["test/**/*.test.ts"],
    // A PostgreSQL server for the tests on PostgreSQL (unless POSTGRES_HOST names one), given
    // by the POSTGRES_* environment variables and stopped when the tests end.
    globalSetup: ["../postgres/test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
