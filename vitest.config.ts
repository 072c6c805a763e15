import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take longest (waiting on npm, child processes, the API's 20/s pacing, PostgreSQL),
 * longest first, as a quiet run timed them. Once vitest has timed a run it starts the longest files first; on a fresh clone it has no
 * times and these would start last, their waits then the run's tail instead of overlapping the rest.
 */
const LONG_WAITS = [
  "test/inventory/store.test.ts",
  "test/inventory/serve-service-process.test.ts",
  "test/bans/enforce.test.ts",
  "test/inventory/forward.test.ts",
  "test/inventory/wait-processes.test.ts",
  "test/inventory/serve-process.test.ts",
  "test/inventory/callback-faults-serve.test.ts",
  "test/e2e/bulk-rate.test.ts",
  "test/bans/store.test.ts",
  "test/inventory/edges.test.ts",
  "test/inventory/loop-processes.test.ts",
  "test/e2e/interrupt-inputs.test.ts",
  "test/e2e/bulk.test.ts",
  "test/emulator/callbacks.test.ts",
  "test/bans/enforce-lifecycle.test.ts",
  "test/inventory/all-members.test.ts",
  "test/e2e/shared-budget.test.ts",
  "test/e2e/emulator-command.test.ts",
];

class LongWaitsFirst extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONG_WAITS.findIndex((path) => f.moduleId.endsWith(path));
      return i === -1 ? LONG_WAITS.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Speed goals are measured alone, after the rest (vitest.perf.config.ts): six files at once on two cores cannot hold them.
    // The package (pack, install, a consumer's compile: npm's work, a third of the suite's CPU) is `npm run test:package`.
    exclude: ["test/perf/**", "test/package/**", "**/node_modules/**"],
    globalSetup: ["test/helpers/build.ts"],
    testTimeout: 60_000,
    sequence: { sequencer: LongWaitsFirst },
    hookTimeout: 30_000,
    // Most of the slow files wait (on the API's 20/s pacing, child processes, npm) rather than compute,
    // so more files at once than cores; vitest's default on a 2-core machine is one file at a time.
    maxWorkers: Math.max(6, availableParallelism() - 1),
    // A worker keeps the modules it has loaded from one file to the next: loading src/ again for
    // each of the 52 files was a quarter of the suite's CPU. Safe because src/ keeps no state
    // between calls (everything comes through main(argv, io)) and no test mocks a module.
    isolate: false,
    coverage: {
      provider: "v8",
      // What runs in-process; the spawned binary (dist/) is not measured.
      include: ["src/**/*.ts"],
      reporter: ["text-summary"],
    },
  },
});
