import { defineConfig } from "vitest/config";

/** The speed goals, one file at a time on an otherwise quiet machine, so a bound can be asserted with honest margin. */
export default defineConfig({
  test: {
    include: ["test/perf/**/*.test.ts"],
    globalSetup: ["test/helpers/tmp-root.ts"],
    // `npm run test:perf` builds dist/ first (the tests spawn the CLI).
    testTimeout: 120_000,
    hookTimeout: 30_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
