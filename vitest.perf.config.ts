import { defineConfig } from "vitest/config";

/** The speed goals, one file at a time on an otherwise quiet machine, so a bound can be asserted with honest margin. */
export default defineConfig({
  test: {
    include: ["test/perf/**/*.test.ts"],
    // Runs after the main suite in `npm test`, which builds dist/; alone, run `npm run build` first.
    testTimeout: 120_000,
    hookTimeout: 30_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
