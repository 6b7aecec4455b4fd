import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "example-counters-system",
    include: ["test/**/*.test.ts"],
    globalSetup: ["../../packages/postgres/test/global-setup.ts"],
    testTimeout: 60_000,
  },
});
