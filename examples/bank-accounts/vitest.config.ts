import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "example-bank-accounts", include: ["test/**/*.test.ts"] },
});
