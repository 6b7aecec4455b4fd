import { defineConfig } from "vitest/config";

// One vitest run over every workspace project, so that a single summary counts every test.
export default defineConfig({
  test: {
    projects: ["packages/*", "examples/*", "docs", "tooling"],
  },
});
