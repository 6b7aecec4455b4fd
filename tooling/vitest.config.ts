import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "tooling",
    include: ["test/**/*.test.ts"],
    hookTimeout: 300_000,
    testTimeout: 300_000,
    // A PostgreSQL server for the consumer's PostgreSQL run (unless POSTGRES_HOST names one),
    // given by the POSTGRES_* environment variables and stopped when the tests end.
    globalSetup: ["../packages/postgres/test/global-setup.ts"],
  },
});
