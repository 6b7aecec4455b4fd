import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "persistence-core", include: ["test/**/*.test.ts"] },
});
