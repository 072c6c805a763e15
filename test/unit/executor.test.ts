import { describe, expect, it, vi } from "vitest";
import type { PlannedRequest, Result } from "../../src/plan/types.js";
import { type ExecuteOptions, execute } from "../../src/run/executor.js";
import { TrtcError } from "../../src/trtc/errors.js";
import { ManualClock } from "../helpers/manual-clock.js";

async function* plan(n: number): AsyncIterable<PlannedRequest> {
  for (let i = 1; i <= n; i++) yield { action: "DismissRoom", sdkAppId: 1, room: { roomId: i, roomIdType: "numeric" } };
}

async function runWith(n: number, options: Partial<ExecuteOptions> & Pick<ExecuteOptions, "send">): Promise<Result[]> {
  const results: Result[] = [];
  await execute(plan(n), {
    concurrency: 8,
    rate: 0,
    maxAttempts: 3,
    ignoreMissing: false,
    signal: new AbortController().signal,
    backoff: { baseMs: 1, capMs: 5 },
    onResult: (r) => void results.push(r),
    ...options,
  });
  return results;
}

/** The fewest milliseconds spanned by any limit+1 consecutive stamps; >= 1000 means never more than `limit` in a second. */
function tightestWindow(stamps: number[], limit: number): number {
  const t = [...stamps].sort((a, b) => a - b);
  let min = Infinity;
  for (let i = 0; i + limit < t.length; i++) min = Math.min(min, t[i + limit]! - t[i]!);
  return min;
}

describe("scheduler", () => {
  it("never has more than --concurrency attempts in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await runWith(50, {
      concurrency: 5,
      send: async () => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return { RequestId: "r" };
      },
    });
    expect(results).toHaveLength(50);
    expect(peak).toBe(5);
  });

  it("never lets rate+1 arrivals, retries included, into one second however long answers take", async () => {
    // An arrival at the server falls anywhere between the attempt's start and its answer.
    const arrivals: number[] = [];
    const seen = new Set<number | string>();
    const results = await runWith(20, {
      rate: 20,
      concurrency: 20,
      send: async (request) => {
        // Twenty slow first attempts then twenty quick retries: late arrivals followed by early ones, what a window counted from starts lets bunch.
        const first = !seen.has(request.room.roomId);
        seen.add(request.room.roomId);
        const start = performance.now();
        await new Promise((r) => setTimeout(r, first ? 100 + Math.random() * 200 : Math.random() * 20));
        arrivals.push(start + Math.random() * (performance.now() - start));
        if (first) throw new TrtcError("api", "InternalError", "try again", "rid");
        return { RequestId: "r" };
      },
    });
    expect(results.every((r) => r.status === "done" && r.attempts === 2)).toBe(true);
    expect(arrivals).toHaveLength(40);
    expect(tightestWindow(arrivals, 20)).toBeGreaterThanOrEqual(1000);
  });

  it("gives a rate slot back one second after the answer, not after the start", async () => {
    const attempts: Array<{ start: number; answer: number }> = [];
    await runWith(3, {
      rate: 2,
      send: async () => {
        const start = performance.now();
        await new Promise((r) => setTimeout(r, 300));
        attempts.push({ start, answer: performance.now() });
        return { RequestId: "r" };
      },
    });
    attempts.sort((a, b) => a.start - b.start);
    const [first, second, third] = attempts;
    expect(second!.start - first!.start).toBeLessThan(200);
    const firstBack = Math.min(first!.answer, second!.answer) + 1000;
    expect(third!.start).toBeGreaterThanOrEqual(firstBack);
    // Upper bound loose enough for two busy cores: a late slot only slows a run down.
    expect(third!.start - firstBack).toBeLessThan(500);
  });

  it("adds no abort listener per request (Node warns past ten: MaxListenersExceededWarning)", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const abort = new AbortController();
      let calls = 0;
      const results = await runWith(50, {
        rate: 1000,
        signal: abort.signal,
        backoff: { baseMs: 20, capMs: 20 },
        send: async () => {
          await new Promise((r) => setTimeout(r, 5));
          // Every third attempt backs off, so waits for a slot and waits for a retry both pile up.
          if (++calls % 3 === 0) throw new TrtcError("http", "HttpError.503", "busy", null, 503);
          return { RequestId: "r" };
        },
      });
      expect(results).toHaveLength(50);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  });

  it("a request backing off does not hold an in-flight slot", async () => {
    const order: string[] = [];
    await runWith(3, {
      concurrency: 1,
      backoff: { baseMs: 200, capMs: 200 },
      send: async (request) => {
        order.push(String(request.room.roomId));
        if (request.room.roomId === 1 && order.filter((x) => x === "1").length === 1) throw new TrtcError("http", "HttpError.503", "busy", null, 503);
        return { RequestId: "r" };
      },
    });
    expect(order.indexOf("2")).toBeLessThan(order.lastIndexOf("1"));
  });

  it("after an auth failure nothing more is sent; the rest are not-started with the reason", async () => {
    let sent = 0;
    const results = await runWith(20, {
      concurrency: 1,
      send: async () => {
        sent++;
        throw new TrtcError("api", "AuthFailure.SecretIdNotFound", "no such key", "rid");
      },
    });
    expect(sent).toBe(1);
    expect(results.filter((r) => r.status === "failed")).toHaveLength(1);
    const rest = results.filter((r) => r.status === "not-started");
    expect(rest).toHaveLength(19);
    expect(rest[0]!.error).toMatchObject({ code: "AuthFailure.SecretIdNotFound", requestId: null });
  });

  it("an abort leaves every request accounted for exactly once", async () => {
    const abort = new AbortController();
    let sent = 0;
    const results = await runWith(200, {
      concurrency: 4,
      signal: abort.signal,
      send: async () => {
        if (++sent === 10) abort.abort();
        await new Promise((r) => setTimeout(r, 2));
        return { RequestId: "r" };
      },
    });
    expect(results).toHaveLength(200);
    expect(new Set(results.map((r) => r.roomId)).size).toBe(200);
    const done = results.filter((r) => r.status === "done").length;
    expect(done).toBe(sent);
    expect(results.filter((r) => r.status === "not-started")).toHaveLength(200 - sent);
  });

  it("a request waiting to be retried when stopped is failed with its last error, not sent again", async () => {
    const abort = new AbortController();
    let sent = 0;
    const [result] = await runWith(1, {
      signal: abort.signal,
      backoff: { baseMs: 60_000, capMs: 60_000 },
      onRetry: () => abort.abort(),
      send: async () => {
        sent++;
        throw new TrtcError("api", "InternalError", "try again", "rid1");
      },
    });
    expect(sent).toBe(1);
    expect(result).toMatchObject({ status: "failed", attempts: 1, requestId: "rid1", error: { code: "InternalError" } });
  });

  it("RoomNotExist after a lost response counts as done; after a refused connection it does not", async () => {
    const roomGoneAfter = (first: TrtcError) => {
      let calls = 0;
      return async () => {
        if (calls++ === 0) throw first;
        throw new TrtcError("api", "FailedOperation.RoomNotExist", "gone", "rid2");
      };
    };
    const [lost] = await runWith(1, { send: roomGoneAfter(new TrtcError("network", "NetworkError", "ECONNRESET: socket hang up")) });
    expect(lost).toMatchObject({ status: "done", attempts: 2, note: { code: "FailedOperation.RoomNotExist", requestId: "rid2" } });
    const [refused] = await runWith(1, { send: roomGoneAfter(new TrtcError("network", "NetworkError", "ECONNREFUSED", null, undefined, true)) });
    expect(refused).toMatchObject({ status: "failed", attempts: 2, error: { code: "FailedOperation.RoomNotExist" } });
    // A rate-limit rejection backs off into the next second: a clock whose sleeps end at once spares the wait.
    const instant = { now: () => 0, sleep: async (_ms: number, signal: AbortSignal) => !signal.aborted };
    const [limited] = await runWith(1, { clock: instant, send: roomGoneAfter(new TrtcError("api", "RequestLimitExceeded", "slow down", "rid1")) });
    expect(limited).toMatchObject({ status: "failed", error: { code: "FailedOperation.RoomNotExist" } });
  });

  it("a rate-limited request is sent again only once the run's clock reaches the next second", async () => {
    const clock = new ManualClock();
    clock.pass(5_250);
    const sentAt: number[] = [];
    const results: Result[] = [];
    const run = execute(plan(1), {
      concurrency: 1,
      rate: 0,
      maxAttempts: 3,
      ignoreMissing: false,
      signal: new AbortController().signal,
      clock,
      random: () => 0,
      onResult: (r) => void results.push(r),
      send: async () => {
        sentAt.push(clock.now());
        if (sentAt.length === 1) throw new TrtcError("api", "RequestLimitExceeded", "slow down", "rid1");
        return { RequestId: "rid2" };
      },
    });
    await vi.waitFor(() => expect(clock.wakes()).toEqual([6_000]));
    clock.advanceTo(5_999);
    await new Promise((r) => setImmediate(r));
    expect(sentAt).toEqual([5_250]);
    clock.advanceTo(6_000);
    await run;
    expect(sentAt).toEqual([5_250, 6_000]);
    expect(results).toMatchObject([{ status: "done", attempts: 2, requestId: "rid2" }]);
  });
});
