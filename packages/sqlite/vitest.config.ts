import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "sqlite", include: ["test/**/*.test.ts"] },
});
