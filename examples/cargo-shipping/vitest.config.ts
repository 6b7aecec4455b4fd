import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "example-cargo-shipping", include: ["test/**/*.test.ts"] },
});
