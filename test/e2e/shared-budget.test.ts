import { describe, expect, it } from "vitest";
import { summaries, threeJobs } from "./shared-budget-jobs.js";

// The rate the three reach together (>= 0.8 of 20/s) is a speed goal, measured alone: test/perf/shared-budget.test.ts.
describe("one rate budget per (SdkAppId, action) across processes", () => {
  it("three parallel CI jobs sharing an inventory get no RequestLimitExceeded between them", async () => {
    const { results, requests } = await threeJobs();
    expect(summaries(results), results.map((r) => r.stderr).join("")).toEqual(Array(3).fill({ code: 0, total: 30, done: 30, firstAttempt: true }));
    expect(requests.filter((q) => q.code === "RequestLimitExceeded")).toEqual([]);
    expect(requests).toHaveLength(90);
  }, 60_000);
});
