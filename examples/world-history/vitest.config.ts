import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "example-world-history", include: ["test/**/*.test.ts"] },
});
