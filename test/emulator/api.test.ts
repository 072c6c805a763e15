import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { APP, emulator, seedApp } from "../helpers/cli.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { rawCall } from "../helpers/signed.js";
import { control } from "./control-client.js";

let emu: Emulator;
beforeEach(async () => {
  emu = await emulator({ seed: seedApp({ "123": ["alice", "bob", "carol"], "7": ["solo"] }, { "123": ["zed", "yan"], standup: ["carol", "dave"] }) });
});
afterEach(() => emu.close());

const code = async (call: Parameters<typeof rawCall>[1]) => (await rawCall(emu, call)).json?.Response.Error?.Code ?? "ok";

describe("the four room actions", () => {
  it("RemoveUser removes only the listed users; the others see them leave", async () => {
    const res = await rawCall(emu, { action: "RemoveUser", params: { SdkAppId: APP, RoomId: 123, UserIds: ["alice"] } });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe("application/json");
    expect(res.json?.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json?.Response.Error).toBeUndefined();
    expect((await control(emu, "GET", "state")).apps[0].rooms["123"]).toEqual(["bob", "carol"]);
    const { events } = await control(emu, "GET", "events");
    expect(events.map((e: any) => [e.userId, e.event, e.reason, e.remoteUserId])).toEqual([
      ["alice", "onExitRoom", 1, undefined],
      ["bob", "onRemoteUserLeaveRoom", 2, "alice"],
      ["carol", "onRemoteUserLeaveRoom", 2, "alice"],
    ]);
  });

  it('RemoveUserByStrRoomId touches the string room "123", not numeric room 123', async () => {
    expect(await code({ action: "RemoveUserByStrRoomId", params: { SdkAppId: APP, RoomId: "123", UserIds: ["zed", "yan"] } })).toBe("ok");
    const state = (await control(emu, "GET", "state")).apps[0];
    expect(state.strRooms["123"]).toBeUndefined(); // left empty, so closed
    expect(state.rooms["123"]).toEqual(["alice", "bob", "carol"]);
  });

  it("DismissRoom removes the room and every member sees onExitRoom(2)", async () => {
    expect(await code({ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 123 } })).toBe("ok");
    const { events } = await control(emu, "GET", "events");
    expect(events.map((e: any) => `${e.userId}:${e.event}(${e.reason})`)).toEqual(["alice:onExitRoom(2)", "bob:onExitRoom(2)", "carol:onExitRoom(2)"]);
    expect(await code({ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 123 } })).toBe("FailedOperation.RoomNotExist");
  });

  it("DismissRoomByStrRoomId dismisses a string room", async () => {
    expect(await code({ action: "DismissRoomByStrRoomId", params: { SdkAppId: APP, RoomId: "standup" } })).toBe("ok");
    expect((await control(emu, "GET", "state")).apps[0].strRooms.standup).toBeUndefined();
  });

  it("kicking a user who is not there succeeds and changes nothing, as the API does", async () => {
    expect(await code({ action: "RemoveUser", params: { SdkAppId: APP, RoomId: 7, UserIds: ["ghost"] } })).toBe("ok");
    expect((await control(emu, "GET", "state")).apps[0].rooms["7"]).toEqual(["solo"]);
  });
});

describe("documented errors", () => {
  it.each([
    [{ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 999 } }, "FailedOperation.RoomNotExist"],
    [{ action: "DismissRoom", params: { SdkAppId: APP, RoomId: "123" } }, "InvalidParameter.RoomId"],
    [{ action: "DismissRoomByStrRoomId", params: { SdkAppId: APP, RoomId: 123 } }, "InvalidParameter.RoomId"],
    [{ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 0 } }, "InvalidParameterValue.RoomId"],
    [{ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 4294967295 } }, "InvalidParameterValue.RoomId"],
    [{ action: "DismissRoomByStrRoomId", params: { SdkAppId: APP, RoomId: "a/b" } }, "InvalidParameterValue.RoomId"],
    [{ action: "DismissRoom", params: { SdkAppId: APP } }, "MissingParameter.RoomId"],
    [{ action: "DismissRoom", params: { RoomId: 123 } }, "MissingParameter.SdkAppId"],
    [{ action: "DismissRoom", params: { SdkAppId: "x", RoomId: 123 } }, "InvalidParameter.SdkAppId"],
    [{ action: "DismissRoom", params: { SdkAppId: 1400000999, RoomId: 123 } }, "UnauthorizedOperation.SdkAppId"],
    [{ action: "RemoveUser", params: { SdkAppId: APP, RoomId: 123 } }, "MissingParameter.UserIds"],
    [{ action: "RemoveUser", params: { SdkAppId: APP, RoomId: 123, UserIds: [] } }, "InvalidParameter.UserIds"],
    [{ action: "RemoveUser", params: { SdkAppId: APP, RoomId: 123, UserIds: Array.from({ length: 11 }, (_, i) => `u${i}`) } }, "InvalidParameter.UserIds"],
    [{ action: "RemoveUser", params: { SdkAppId: APP, RoomId: 123, UserIds: ["bad id"] } }, "InvalidParameter.UserIds"],
    [{ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 123, Extra: 1 } }, "UnknownParameter"],
    [{ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 123 }, region: "ap-tokyo" }, "UnsupportedRegion"],
    [{ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 123 }, region: null }, "MissingParameter.Region"],
    [{ action: "KickOutEveryone", params: {} }, "InvalidAction"],
    [{ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 123 }, version: "2018-01-01" }, "NoSuchVersion"],
    [{ action: "DismissRoom", body: "not json" }, "InvalidParameter"],
    [{ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 123 }, secretKey: "wrong" }, "AuthFailure.SignatureFailure"],
    [{ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 123 }, timestamp: Math.floor(Date.now() / 1000) - 301 }, "AuthFailure.SignatureExpire"],
    [{ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 123 }, service: "127" }, "AuthFailure.SignatureFailure"],
  ])("%j -> %s", async (call, expected) => {
    const res = await rawCall(emu, call as Parameters<typeof rawCall>[1]);
    expect(res.status).toBe(200);
    expect(res.json?.Response.Error?.Code).toBe(expected);
    expect(res.json?.Response.RequestId).toBeTruthy();
    // A rejected request changes nothing.
    expect((await control(emu, "GET", "state")).apps[0].rooms["123"]).toEqual(["alice", "bob", "carol"]);
  });
});

describe("rate limit", () => {
  it("lets 20 through in a second, rejects the 21st without applying it, and counts per action", async () => {
    await control(emu, "POST", "seed", {
      apps: [{ sdkAppId: APP, rooms: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [String(1000 + i), ["u"]])) }],
    });
    const codes = await Promise.all(Array.from({ length: 21 }, (_, i) => code({ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 1000 + i } })));
    expect(codes.filter((c) => c === "ok")).toHaveLength(20);
    expect(codes.filter((c) => c === "RequestLimitExceeded")).toHaveLength(1);
    const rooms = (await control(emu, "GET", "state")).apps[0].rooms;
    expect(Object.keys(rooms).filter((r) => Number(r) >= 1000)).toHaveLength(1);
    expect(await code({ action: "RemoveUser", params: { SdkAppId: APP, RoomId: 7, UserIds: ["ghost"] } })).toBe("ok");
  });

  it("the window slides on the emulator's clock: a second after the first of 20, one more is let through", async () => {
    const clock = new ManualClock();
    const timed = await emulator({ seed: seedApp({ "1": ["u"], "2": ["u"] }), clock });
    try {
      const remove = (room: number) => rawCall(timed, { action: "RemoveUser", params: { SdkAppId: APP, RoomId: room, UserIds: ["ghost"] } });
      const codeOf = async (room: number) => (await remove(room)).json?.Response.Error?.Code ?? "ok";
      for (let i = 0; i < 20; i++) {
        clock.pass(i === 0 ? 0 : 10);
        expect(await codeOf(1)).toBe("ok");
      }
      clock.advanceTo(999);
      expect(await codeOf(2)).toBe("RequestLimitExceeded");
      clock.advanceTo(1000);
      expect(await codeOf(2)).toBe("ok");
      expect(await codeOf(2)).toBe("RequestLimitExceeded");
      clock.advanceTo(1010);
      expect(await codeOf(2)).toBe("ok");
    } finally {
      await timed.close();
    }
  });

  it("rate limit 0 turns it off", async () => {
    await control(emu, "POST", "config", { rateLimit: 0 });
    const codes = await Promise.all(Array.from({ length: 40 }, () => code({ action: "DismissRoom", params: { SdkAppId: APP, RoomId: 424242 } })));
    expect(new Set(codes)).toEqual(new Set(["FailedOperation.RoomNotExist"]));
  });
});

describe("fault injection", () => {
  const dismiss123 = { action: "DismissRoom", params: { SdkAppId: APP, RoomId: 123 } };
  it("an API error code, N times, then normal service", async () => {
    await control(emu, "POST", "faults", { kind: "error", code: "InternalError", times: 2 });
    expect(await code(dismiss123)).toBe("InternalError");
    expect(await code(dismiss123)).toBe("InternalError");
    expect(await code(dismiss123)).toBe("ok");
  });
  it("an HTTP status", async () => {
    await control(emu, "POST", "faults", { kind: "http", status: 503 });
    expect((await rawCall(emu, dismiss123)).status).toBe(503);
  });
  it('scoped to a room: numeric 123 is hit, string "123" is not', async () => {
    await control(emu, "POST", "faults", { kind: "error", code: "InternalError", roomId: 123, times: 0 });
    expect(await code({ action: "DismissRoomByStrRoomId", params: { SdkAppId: APP, RoomId: "123" } })).toBe("ok");
    expect(await code(dismiss123)).toBe("InternalError");
  });
  it("scoped to an action", async () => {
    await control(emu, "POST", "faults", { kind: "error", code: "InternalError", action: "RemoveUser" });
    expect(await code(dismiss123)).toBe("ok");
    expect(await code({ action: "RemoveUser", params: { SdkAppId: APP, RoomId: 123, UserIds: ["alice"] } })).toBe("InternalError");
  });
  it("latency: the answer comes once the emulator's clock has passed it, not before", async () => {
    const clock = new ManualClock();
    const timed = await emulator({ seed: seedApp({ "123": ["alice"] }), clock });
    try {
      await control(timed, "POST", "faults", { kind: "latency", ms: 300 });
      let answered = false;
      const call = rawCall(timed, dismiss123).then((res) => ((answered = true), res));
      await vi.waitFor(() => expect(clock.wakes()).toEqual([300]));
      clock.advanceTo(299);
      await new Promise((r) => setTimeout(r, 0));
      expect(answered).toBe(false);
      clock.advanceTo(300);
      expect((await call).json?.Response.Error).toBeUndefined();
    } finally {
      await timed.close();
    }
  });
  it("a hang never answers", async () => {
    await control(emu, "POST", "faults", { kind: "hang" });
    const call = rawCall(emu, dismiss123);
    // Once the emulator has taken the request as a hang, nothing more is written: closing it ends the call unanswered.
    await vi.waitFor(() => expect(emu.requests.at(-1)?.outcome).toBe("hang"));
    await emu.close();
    expect(await call).toMatchObject({ status: 0, text: "", error: "ECONNRESET" });
  });
  it("a connection reset", async () => {
    await control(emu, "POST", "faults", { kind: "reset" });
    expect((await rawCall(emu, dismiss123)).error).toBe("ECONNRESET");
    expect((await control(emu, "GET", "state")).apps[0].rooms["123"]).toBeDefined();
  });
  it("a malformed body", async () => {
    await control(emu, "POST", "faults", { kind: "malformed" });
    const res = await rawCall(emu, dismiss123);
    expect(res.status).toBe(200);
    expect(res.json).toBeUndefined();
  });
  it("apply, then lose the response", async () => {
    await control(emu, "POST", "faults", { kind: "lose-response" });
    expect((await rawCall(emu, dismiss123)).error).toBe("ECONNRESET");
    expect((await control(emu, "GET", "state")).apps[0].rooms["123"]).toBeUndefined();
  });
  it("rejects an unknown fault kind", async () => {
    expect(await control(emu, "POST", "faults", { kind: "meteor" })).toEqual({ error: expect.stringMatching(/kind must be one of/) });
  });
});

describe("control API", () => {
  it("logs requests with the Authorization header cut to its credential scope", async () => {
    await rawCall(emu, { action: "DismissRoom", params: { SdkAppId: APP, RoomId: 7 } });
    const { requests } = await control(emu, "GET", "requests");
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      action: "DismissRoom",
      sdkAppId: APP,
      roomId: 7,
      outcome: "ok",
      credentialScope: expect.stringMatching(/^\d{4}-\d{2}-\d{2}\/trtc\/tc3_request$/),
    });
    expect(JSON.stringify(requests)).not.toMatch(/Signature|AKID/);
  });
  it("seeds, reports stats and resets to the start state", async () => {
    await control(emu, "POST", "seed", { apps: [{ sdkAppId: 1400000002, strRooms: { lobby: ["a"] } }] });
    await rawCall(emu, { action: "DismissRoom", params: { SdkAppId: APP, RoomId: 7 } });
    expect((await control(emu, "GET", "stats")).byAction).toEqual({ DismissRoom: 1 });
    expect((await control(emu, "GET", "state")).apps.map((a: any) => a.sdkAppId)).toEqual([APP, 1400000002]);
    await control(emu, "POST", "reset");
    const state = await control(emu, "GET", "state");
    expect(state.apps.map((a: any) => a.sdkAppId)).toEqual([APP]);
    expect(state.apps[0].rooms["7"]).toEqual(["solo"]);
    expect((await control(emu, "GET", "requests")).requests).toEqual([]);
  });
  it("refuses a bad seed", async () => {
    expect(await control(emu, "POST", "seed", { apps: [{ sdkAppId: APP, rooms: { "0123": ["a"] } }] })).toEqual({
      error: expect.stringMatching(/rooms\.0123/),
    });
  });
});
