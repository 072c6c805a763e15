import { describe, expect, it } from "vitest";
import { hintFor } from "../../src/output/hints.js";
import { toApiCall } from "../../src/plan/api-call.js";
import { planDismiss, planMute } from "../../src/plan/plan.js";
import { Repeats } from "../../src/plan/repeats.js";
import type { PlannedRequest, Result } from "../../src/plan/types.js";
import { execute } from "../../src/run/executor.js";
import { isTransient, TrtcError } from "../../src/trtc/errors.js";
import { collect, items } from "../helpers/bulk.js";

/** One mute of user "a" in room 7 through the scheduler, `send` playing the server. */
async function muteOnce(send: () => Promise<{ RequestId: string }>, ignoreMissing = false): Promise<Result[]> {
  const results: Result[] = [];
  await execute(planMute(1, { roomId: 7, roomIdType: "numeric" }, items(["a"]), 1), {
    concurrency: 1,
    rate: 0,
    maxAttempts: 3,
    ignoreMissing,
    signal: new AbortController().signal,
    backoff: { baseMs: 1, capMs: 2 },
    send,
    onResult: (r) => void results.push(r),
  });
  return results;
}

describe("mute planning", () => {
  it("one request per distinct user, each carrying IsMute", async () => {
    const plan = await collect(planMute(1400000001, { roomId: 7, roomIdType: "numeric" }, items(["a", "b", "a"]), 2));
    expect(plan).toEqual([
      { action: "SetUserBlocked", sdkAppId: 1400000001, room: { roomId: 7, roomIdType: "numeric" }, userIds: ["a"], isMute: 2 },
      { action: "SetUserBlocked", sdkAppId: 1400000001, room: { roomId: 7, roomIdType: "numeric" }, userIds: ["b"], isMute: 2 },
    ]);
  });

  it.each<[PlannedRequest, object]>([
    [
      { action: "SetUserBlocked", sdkAppId: 1, room: { roomId: 7, roomIdType: "numeric" }, userIds: ["a"], isMute: 1 },
      { SdkAppId: 1, RoomId: 7, UserId: "a", IsMute: 1 },
    ],
    [
      { action: "SetUserBlockedByStrRoomId", sdkAppId: 1, room: { roomId: "7", roomIdType: "string" }, userIds: ["a"], isMute: 0 },
      { SdkAppId: 1, StrRoomId: "7", UserId: "a", IsMute: 0 },
    ],
    [
      { action: "RemoveUserByStrRoomId", sdkAppId: 1, room: { roomId: "7", roomIdType: "string" }, userIds: ["a", "b"] },
      { SdkAppId: 1, RoomId: "7", UserIds: ["a", "b"] },
    ],
    [
      { action: "DismissRoom", sdkAppId: 1, room: { roomId: 7, roomIdType: "numeric" } },
      { SdkAppId: 1, RoomId: 7 },
    ],
  ])("%o is sent as exactly %o (the string mute names its room StrRoomId)", (request, params) => {
    expect(toApiCall(request)).toEqual({ action: request.action, params });
  });
});

describe("a user who is not in the room", () => {
  it("InternalError.UserNotExist is not retried, unlike other InternalErrors", () => {
    expect(isTransient(new TrtcError("api", "InternalError.UserNotExist", ""))).toBe(false);
    expect(isTransient(new TrtcError("api", "InternalError.DbError", ""))).toBe(true);
  });

  it.each([
    [false, "failed"],
    [true, "already-gone"],
  ])("with --ignore-missing %s it is %s after one attempt", async (ignoreMissing, status) => {
    let calls = 0;
    const results = await muteOnce(async () => {
      calls++;
      throw new TrtcError("api", "InternalError.UserNotExist", "not in the room", "rid");
    }, ignoreMissing);
    expect(calls).toBe(1);
    expect(results).toMatchObject([{ action: "SetUserBlocked", userIds: ["a"], isMute: 1, status, attempts: 1 }]);
  });

  it("a mute whose room is gone after a lost response is not counted done (only kicks and dismissals are)", async () => {
    let calls = 0;
    const results = await muteOnce(async () => {
      if (calls++ === 0) throw new TrtcError("network", "NetworkError", "reset");
      throw new TrtcError("api", "FailedOperation.RoomNotExist", "gone", "rid");
    });
    expect(results).toMatchObject([{ status: "failed", attempts: 2, error: { code: "FailedOperation.RoomNotExist" } }]);
  });

  it("InvalidAction gets the international-site hint for mutes only", () => {
    expect(hintFor("InvalidAction", "SetUserBlocked")).toMatch(/trtc\.intl\.tencentcloudapi\.com/);
    expect(hintFor("InvalidAction", "DismissRoom")).toBeUndefined();
    expect(hintFor("FailedOperation.UserNotExist", "SetUserBlockedByStrRoomId")).toMatch(/--ignore-missing/);
  });
});

describe("repeats are found once and replayed", () => {
  it("a second pass yields the same requests without keeping the ids", async () => {
    const repeats = new Repeats();
    const input = ["1", "a", "1", "b", "a", "2"];
    const first = await collect(planDismiss(1, items(input), "auto", repeats));
    const second = await collect(planDismiss(1, items(input), "auto", repeats));
    expect(first.map((r) => r.room.roomId)).toEqual([1, "a", "b", 2]);
    expect(second).toEqual(first);
  });
  it('numeric room 1 and string room "1" are not repeats of each other', () => {
    const repeats = new Repeats();
    repeats.startPass();
    expect([1, "1", 1, "1"].map((id) => repeats.isRepeat(id))).toEqual([false, false, true, true]);
  });
});
