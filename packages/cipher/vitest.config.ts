import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "cipher", include: ["test/**/*.test.ts"] },
});
