import { afterEach, describe, expect, it, vi } from "vitest";
import type { Result } from "../../src/plan/types.js";
import { type Effect, Verifier } from "../../src/run/verify.js";

afterEach(() => vi.useRealTimers());

const kick = (userIds: string[]): Result => ({
  action: "RemoveUser",
  sdkAppId: 1,
  roomId: 7,
  roomIdType: "numeric",
  userIds,
  status: "done",
  requestId: "r",
  attempts: 1,
});

describe("--wait's verifier", () => {
  it("verifies a kick once every user's 104 is seen, reads the inventory twice a second at most, and gives up at the deadline", async () => {
    vi.useFakeTimers({ now: 0 });
    const reads: number[] = [];
    const seenAfter = new Map([["alice", 1200]]);
    const log = {
      effectsSeen: async (_app: number, effects: Effect[]) => {
        reads.push(Date.now());
        return effects.map((e) => Date.now() >= (seenAfter.get(e.userId!) ?? Number.POSITIVE_INFINITY));
      },
    };
    const verifier = new Verifier({ log, sinceMs: 0, waitMs: 10_000 });
    const results: Result[] = [];
    void verifier.verify(kick(["alice"])).then((r) => results.push(r));
    void verifier.verify(kick(["alice", "ghost"])).then((r) => results.push(r));
    await vi.advanceTimersByTimeAsync(2000);
    expect(results).toEqual([{ ...kick(["alice"]), verified: true }]);
    await vi.advanceTimersByTimeAsync(9000);
    await verifier.drain();
    expect(results[1]).toEqual({ ...kick(["alice", "ghost"]), verified: false });
    expect(reads.length).toBeLessThanOrEqual(2 * 10 + 1);
    expect(reads.every((t, i) => i === 0 || t - reads[i - 1]! >= 500)).toBe(true);
  });

  it("an interrupt ends the wait at once: not verified", async () => {
    const abort = new AbortController();
    const verifier = new Verifier({ log: { effectsSeen: async (_a, e) => e.map(() => false) }, sinceMs: 0, waitMs: 60_000, signal: abort.signal });
    const pending = verifier.verify(kick(["x"]));
    abort.abort();
    expect(await pending).toMatchObject({ verified: false });
  });

  it("applies to done kicks and dismissals only", () => {
    expect(Verifier.applies(kick(["a"]))).toBe(true);
    expect(Verifier.applies({ ...kick(["a"]), status: "failed" })).toBe(false);
    expect(Verifier.applies({ ...kick(["a"]), action: "SetUserBlocked" })).toBe(false);
    expect(Verifier.applies({ ...kick([]), action: "DismissRoomByStrRoomId" })).toBe(true);
  });
});
