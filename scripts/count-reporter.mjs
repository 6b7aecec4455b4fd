// A silent vitest reporter that writes the run's test counts to the file named by
// ES_TEST_COUNTS, for scripts/test-all.mjs to print as the closing line.
import { writeFileSync } from "node:fs";

export default class CountReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    const counts = { passed: 0, failed: 0, skipped: 0, errors: unhandledErrors.length };
    for (const module of testModules) {
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) {
        counts.failed++;
      }
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed++;
        else if (state === "failed") counts.failed++;
        else counts.skipped++;
      }
    }
    const file = process.env.ES_TEST_COUNTS;
    if (file) writeFileSync(file, JSON.stringify(counts));
  }
}
