import { describe, expect, it } from "vitest";
import { summaries, threeJobs } from "../e2e/shared-budget-jobs.js";

describe("one rate budget per (SdkAppId, action) across processes", () => {
  it("three parallel CI jobs sharing an inventory reach >= 0.8 of 20/s together, with no RequestLimitExceeded", async () => {
    const { results, requests } = await threeJobs();
    expect(summaries(results), results.map((r) => r.stderr).join("")).toEqual(Array(3).fill({ code: 0, total: 30, done: 30, firstAttempt: true }));
    expect(requests.filter((q) => q.code === "RequestLimitExceeded")).toEqual([]);
    expect(requests).toHaveLength(90);
    const t = requests.map((q) => q.t).sort((a, b) => a - b);
    // At exactly 20 in any second, 90 arrivals span 4 s (20 at once, then 20 a second later, …): how close the three came to that.
    const efficiency = 4000 / (t.at(-1)! - t[0]!);
    expect(efficiency).toBeGreaterThanOrEqual(0.8);
  }, 60_000);
});
