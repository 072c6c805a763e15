import { afterEach, describe, expect, it, vi } from "vitest";
import type { DismissAction, PlannedRequest } from "../../src/plan/types.js";
import { processBudgets, runBudgets } from "../../src/run/budgets.js";
import { execute } from "../../src/run/executor.js";

afterEach(() => vi.useRealTimers());

function* rooms(action: DismissAction, n: number, from = 1): Iterable<PlannedRequest> {
  for (let i = from; i < from + n; i++)
    yield {
      action,
      sdkAppId: 1,
      room: { roomId: action.endsWith("StrRoomId") ? `r${i}` : i, roomIdType: action.endsWith("StrRoomId") ? "string" : "numeric" },
    };
}

async function* stream(requests: Iterable<PlannedRequest>): AsyncIterable<PlannedRequest> {
  yield* requests;
}

/** The fewest milliseconds spanned by any limit+1 consecutive stamps; >= 1000 means never more than `limit` in a second. */
function tightestWindow(stamps: number[], limit: number): number {
  const t = [...stamps].sort((a, b) => a - b);
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i + limit < t.length; i++) min = Math.min(min, t[i + limit]! - t[i]!);
  return min;
}

/** Runs the scheduler on a fake clock: every answer takes 30 ms; returns arrivals per action and when all were done. */
async function runs(batches: Iterable<PlannedRequest>[], budgets: () => ReturnType<typeof runBudgets>) {
  vi.useFakeTimers({ now: 0 });
  const arrivals = new Map<string, number[]>();
  const send = async (r: PlannedRequest) => {
    arrivals.set(r.action, [...(arrivals.get(r.action) ?? []), Date.now()]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    return { RequestId: "x" };
  };
  const signal = new AbortController().signal;
  let results = 0;
  const all = Promise.all(
    batches.map((b) =>
      execute(stream(b), { concurrency: 8, rate: 20, maxAttempts: 1, ignoreMissing: false, signal, send, budgets: budgets(), onResult: () => void results++ }),
    ),
  );
  let doneAt = -1;
  void all.then(() => (doneAt = Date.now()));
  while (doneAt < 0) await vi.advanceTimersByTimeAsync(10);
  return { arrivals, doneAt, results };
}

describe("rate budgets", () => {
  it("two runs in one process share each action's budget: never 21 arrivals of an action in a second", async () => {
    const { arrivals, results } = await runs([rooms("DismissRoom", 40), rooms("DismissRoom", 40, 100)], () => processBudgets("http://test-shared"));
    expect(results).toBe(80);
    expect(tightestWindow(arrivals.get("DismissRoom")!, 20)).toBeGreaterThanOrEqual(1000);
  });

  it("without sharing, the same two runs would put 40 into one second (what the server rejected)", async () => {
    const { arrivals } = await runs([rooms("DismissRoom", 40), rooms("DismissRoom", 40, 100)], runBudgets);
    expect(tightestWindow(arrivals.get("DismissRoom")!, 20)).toBeLessThan(1000);
  });

  it("numeric then string rooms use both budgets at once: 40 of each take as long as 40 of one", async () => {
    const mixed = [...rooms("DismissRoom", 40), ...rooms("DismissRoomByStrRoomId", 40)];
    const both = await runs([mixed], () => processBudgets("http://test-mixed"));
    const one = await runs([rooms("DismissRoom", 40)], () => processBudgets("http://test-one"));
    for (const action of ["DismissRoom", "DismissRoomByStrRoomId"]) expect(tightestWindow(both.arrivals.get(action)!, 20)).toBeGreaterThanOrEqual(1000);
    expect(both.results).toBe(80);
    expect(both.doneAt).toBeLessThanOrEqual(one.doneAt + 100);
  });
});
