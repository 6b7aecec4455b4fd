import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "tooling",
    include: ["test/**/*.test.ts"],
    hookTimeout: 300_000,
    testTimeout: 300_000,
  },
});
