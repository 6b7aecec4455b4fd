import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "example-bundling",
    include: ["test/**/*.test.ts"],
    // Builds the library and this example four ways before the first test.
    hookTimeout: 180_000,
    testTimeout: 60_000,
  },
});
