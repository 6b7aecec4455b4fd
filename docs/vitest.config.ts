import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "docs",
    include: ["test/**/*.test.ts"],
    // A PostgreSQL server for docs/postgres.md (unless POSTGRES_HOST names one), given to its
    // examples by the POSTGRES_* environment variables and stopped when the tests end.
    globalSetup: ["../packages/postgres/test/global-setup.ts"],
  },
});
