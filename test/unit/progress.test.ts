import { describe, expect, it } from "vitest";
import { progressMeter } from "../../src/output/progress.js";

/** A run of `total` requests on a clock the test moves; `complete` records one more finished request. */
function run(total: number) {
  let now = 0;
  let done = 0;
  const meter = progressMeter(total, () => now);
  return {
    at(ms: number) {
      now = ms;
    },
    complete: () => meter({ total: ++done, done, alreadyGone: 0, failed: 0, planned: 0, notStarted: 0 }),
  };
}

describe("the spinner's progress line", () => {
  it("the first burst of answers shows counts only, not a rate of hundreds per second", () => {
    const r = run(300);
    r.at(4);
    expect(r.complete()).toBe("1/300 · 1 done · 0 failed");
    r.at(120);
    for (let i = 0; i < 7; i++) r.complete();
    expect(r.complete()).toBe("9/300 · 9 done · 0 failed");
  });

  it("at 20/s the rate reads 20.0 req/s and the ETA is what is left at that rate", () => {
    const r = run(300);
    let line = "";
    for (let i = 1; i <= 200; i++) {
      r.at(i * 50);
      line = r.complete();
    }
    expect(line).toBe("200/300 · 200 done · 0 failed · 20.0 req/s · ETA 5s");
  });

  it("the rate is the last 5 s of completions: a slowdown shows within seconds, and the ETA grows with it", () => {
    const r = run(2000);
    let line = "";
    for (let i = 1; i <= 600; i++) {
      r.at(i * 50); // 20/s for 30 s
      line = r.complete();
    }
    expect(line).toBe("600/2000 · 600 done · 0 failed · 20.0 req/s · ETA 1m 10s");
    for (let i = 1; i <= 25; i++) {
      r.at(30_000 + i * 200); // then 5/s for 5 s
      line = r.complete();
    }
    expect(line).toBe("625/2000 · 625 done · 0 failed · 5.0 req/s · ETA 4m 35s");
  });

  it("no ETA once everything has finished", () => {
    const r = run(30);
    let line = "";
    for (let i = 1; i <= 30; i++) {
      r.at(i * 100);
      line = r.complete();
    }
    expect(line).toBe("30/30 · 30 done · 0 failed · 10.0 req/s");
  });
});
