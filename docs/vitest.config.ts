import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "docs",
    include: ["test/**/*.test.ts"],
    // Some pages' blocks fork worker processes and start PostgreSQL applications: seconds when
    // the machine is idle, many more when the whole suite shares it, as the packages' own
    // process tests allow for.
    testTimeout: 60_000,
    // A PostgreSQL server for docs/postgres.md (unless POSTGRES_HOST names one), given to its
    // examples by the POSTGRES_* environment variables and stopped when the tests end.
    globalSetup: ["../packages/postgres/test/global-setup.ts"],
  },
});
