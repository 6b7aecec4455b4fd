import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "example-wiki",
    include: ["test/**/*.test.ts"],
    // A PostgreSQL server for the tests (unless POSTGRES_HOST names one), given to them by the
    // POSTGRES_* environment variables and stopped when they end.
    globalSetup: ["../../packages/postgres/test/global-setup.ts"],
    testTimeout: 60_000,
  },
});
