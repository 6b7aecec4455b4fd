import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "postgres",
    include: ["test/**/*.test.ts"],
    // Starts a real PostgreSQL server for these tests (unless POSTGRES_HOST names one), and
    // stops it when they end, whether they pass or fail.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
