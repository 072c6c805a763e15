import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { APP, emulator, seedApp } from "../helpers/cli.js";
import { rawCall } from "../helpers/signed.js";
import { control, rawControl } from "./control-client.js";

let emu: Emulator;
beforeEach(async () => {
  emu = await emulator({ seed: seedApp({ "123": ["alice", "bob"] }, { "123": ["zed"], standup: ["carol"] }) });
});
afterEach(() => emu.close());

const call = async (action: string, params: object) =>
  (await rawCall(emu, { action, params: { SdkAppId: APP, ...params } })).json?.Response.Error?.Code ?? "ok";
const block = (params: object) => call("SetUserBlocked", params);
const mutes = async () => (await control(emu, "GET", "state")).apps[0].mutes;
const events = async () => (await control(emu, "GET", "events")).events.map((e: any) => `${e.userId}:${e.event}(${e.remoteUserId}, ${e.available})`);

describe("SetUserBlocked and SetUserBlockedByStrRoomId", () => {
  it("record each member's IsMute in the state (0 is left out) and tell the user what changed", async () => {
    expect(await block({ RoomId: 123, UserId: "alice", IsMute: 1 })).toBe("ok");
    expect(await mutes()).toEqual({ rooms: { "123": { alice: 1 } }, strRooms: {} });
    expect(await block({ RoomId: 123, UserId: "alice", IsMute: 2 })).toBe("ok");
    expect(await block({ RoomId: 123, UserId: "alice", IsMute: 2 })).toBe("ok");
    expect(await block({ RoomId: 123, UserId: "alice", IsMute: 0 })).toBe("ok");
    expect(await mutes()).toEqual({ rooms: {}, strRooms: {} });
    expect(await events()).toEqual([
      "alice:onUserAudioAvailable(alice, false)",
      "alice:onUserVideoAvailable(alice, false)",
      "alice:onUserVideoAvailable(alice, true)",
      "alice:onUserAudioAvailable(alice, true)",
    ]);
    // The room listing keeps its shape.
    expect((await control(emu, "GET", "state")).apps[0].rooms).toEqual({ "123": ["alice", "bob"] });
  });

  it("the string form takes StrRoomId and touches the string room only", async () => {
    expect(await call("SetUserBlockedByStrRoomId", { StrRoomId: "123", UserId: "zed", IsMute: 3 })).toBe("ok");
    expect(await mutes()).toEqual({ rooms: {}, strRooms: { "123": { zed: 3 } } });
    expect(await call("SetUserBlockedByStrRoomId", { StrRoomId: "123", UserId: "alice", IsMute: 1 })).toBe("FailedOperation.UserNotExist");
    expect(await call("SetUserBlockedByStrRoomId", { RoomId: "standup", UserId: "carol", IsMute: 1 })).toBe("UnknownParameter");
  });

  it("a mute ends with the member's stay", async () => {
    await block({ RoomId: 123, UserId: "bob", IsMute: 1 });
    expect(await call("RemoveUser", { RoomId: 123, UserIds: ["bob"] })).toBe("ok");
    expect(await mutes()).toEqual({ rooms: {}, strRooms: {} });
    await control(emu, "POST", "clients", { sdkAppId: APP, roomId: 123, userId: "bob", action: "enter" });
    expect(await mutes()).toEqual({ rooms: {}, strRooms: {} });
  });

  it.each([
    ["SetUserBlocked", { RoomId: 999, UserId: "alice", IsMute: 1 }, "FailedOperation.RoomNotExist"],
    ["SetUserBlocked", { RoomId: 123, UserId: "ghost", IsMute: 1 }, "FailedOperation.UserNotExist"],
    ["SetUserBlocked", { RoomId: 123, IsMute: 1 }, "MissingParameter.UserId"],
    ["SetUserBlocked", { RoomId: 123, UserId: ["alice"], IsMute: 1 }, "InvalidParameter.UserId"],
    ["SetUserBlocked", { RoomId: 123, UserId: "bad id", IsMute: 1 }, "InvalidParameter.UserId"],
    ["SetUserBlocked", { RoomId: 123, UserIds: ["alice"], IsMute: 1 }, "UnknownParameter"],
    ["SetUserBlocked", { RoomId: 123, UserId: "alice" }, "MissingParameter"],
    ["SetUserBlocked", { RoomId: 123, UserId: "alice", IsMute: 4 }, "InvalidParameter"],
    ["SetUserBlocked", { RoomId: 123, UserId: "alice", IsMute: -1 }, "InvalidParameter"],
    ["SetUserBlocked", { RoomId: 123, UserId: "alice", IsMute: 1.5 }, "InvalidParameter"],
    ["SetUserBlocked", { RoomId: 123, UserId: "alice", IsMute: "1" }, "InvalidParameter"],
    ["SetUserBlocked", { RoomId: 123, UserId: "alice", IsMute: true }, "InvalidParameter"],
    ["SetUserBlocked", { UserId: "alice", IsMute: 1 }, "MissingParameter.RoomId"],
    ["SetUserBlocked", { RoomId: "123", UserId: "alice", IsMute: 1 }, "InvalidParameter.RoomId"],
    ["SetUserBlocked", { RoomId: 0, UserId: "alice", IsMute: 1 }, "InvalidParameterValue.RoomId"],
    ["SetUserBlocked", { StrRoomId: "123", UserId: "alice", IsMute: 1 }, "UnknownParameter"],
    ["SetUserBlockedByStrRoomId", { StrRoomId: 123, UserId: "zed", IsMute: 1 }, "InvalidParameter.RoomId"],
    ["SetUserBlockedByStrRoomId", { StrRoomId: "a/b", UserId: "zed", IsMute: 1 }, "InvalidParameter.RoomId"],
    ["SetUserBlockedByStrRoomId", { UserId: "zed", IsMute: 1 }, "MissingParameter.RoomId"],
    ["SetUserBlockedByStrRoomId", { StrRoomId: "nope", UserId: "zed", IsMute: 1 }, "FailedOperation.RoomNotExist"],
  ])("%s %j: %s, and nothing changes", async (action, params, code) => {
    expect(await call(action, params)).toBe(code);
    expect(await mutes()).toEqual({ rooms: {}, strRooms: {} });
    expect(await events()).toEqual([]);
  });

  it("logs the request's room, user and IsMute", async () => {
    await call("SetUserBlockedByStrRoomId", { StrRoomId: "standup", UserId: "carol", IsMute: 2 });
    expect((await control(emu, "GET", "requests")).requests[0]).toMatchObject({
      action: "SetUserBlockedByStrRoomId",
      roomId: "standup",
      userId: "carol",
      isMute: 2,
      outcome: "ok",
    });
  });

  it("are rate limited per action, like the others", async () => {
    const codes = [];
    for (let i = 0; i < 21; i++) codes.push(await block({ RoomId: 123, UserId: "alice", IsMute: i % 2 }));
    expect(codes.slice(0, 20).every((c) => c === "ok")).toBe(true);
    expect(codes[20]).toBe("RequestLimitExceeded");
    expect(await call("SetUserBlockedByStrRoomId", { StrRoomId: "standup", UserId: "carol", IsMute: 1 })).toBe("ok");
  });

  it("take API faults by action and room", async () => {
    await control(emu, "POST", "faults", { kind: "error", code: "InternalError.UserNotExist", action: "SetUserBlockedByStrRoomId", roomId: "standup" });
    expect(await call("SetUserBlocked", { RoomId: 123, UserId: "alice", IsMute: 1 })).toBe("ok");
    expect(await call("SetUserBlockedByStrRoomId", { StrRoomId: "standup", UserId: "carol", IsMute: 1 })).toBe("InternalError.UserNotExist");
  });
});

describe("unavailable actions", () => {
  const JSON_TYPE = { "Content-Type": "application/json" };

  it("answer InvalidAction, as an endpoint without them would, until reset", async () => {
    expect((await control(emu, "GET", "config")).unavailableActions).toEqual([]);
    const set = await control(emu, "POST", "config", { unavailableActions: ["SetUserBlocked", "SetUserBlockedByStrRoomId"] });
    expect(set.unavailableActions).toEqual(["SetUserBlocked", "SetUserBlockedByStrRoomId"]);
    expect(await block({ RoomId: 123, UserId: "alice", IsMute: 1 })).toBe("InvalidAction");
    expect(await call("SetUserBlockedByStrRoomId", { StrRoomId: "123", UserId: "zed", IsMute: 1 })).toBe("InvalidAction");
    expect(await call("RemoveUser", { RoomId: 123, UserIds: ["bob"] })).toBe("ok");
    expect(await mutes()).toEqual({ rooms: {}, strRooms: {} });
    await control(emu, "POST", "reset");
    expect((await control(emu, "GET", "config")).unavailableActions).toEqual([]);
    expect(await block({ RoomId: 123, UserId: "alice", IsMute: 1 })).toBe("ok");
  });

  it.each([[["SetUserBlock"]], [["SetUserBlocked", "SetUserBlocked"]], ["SetUserBlocked"], [[1]], [null], [{ SetUserBlocked: true }]])(
    "refuses unavailableActions %j",
    async (value) => {
      const res = await rawControl(emu, "POST", "config", JSON_TYPE, JSON.stringify({ unavailableActions: value }));
      expect(res.status).toBe(400);
      expect(res.json.error).toMatch(/unavailableActions must be a list of distinct action names/);
      expect((await control(emu, "GET", "config")).unavailableActions).toEqual([]);
    },
  );

  it("can start unavailable (option unavailableActions, flag --unavailable-actions), and stay so across resets", async () => {
    const intl = await emulator({ seed: seedApp({ "1": ["a"] }), unavailableActions: ["SetUserBlocked"] });
    try {
      const code = async () =>
        (await rawCall(intl, { action: "SetUserBlocked", params: { SdkAppId: APP, RoomId: 1, UserId: "a", IsMute: 1 } })).json?.Response.Error?.Code;
      expect(await code()).toBe("InvalidAction");
      await control(intl, "POST", "reset");
      expect(await code()).toBe("InvalidAction");
    } finally {
      await intl.close();
    }
    await expect(emulator({ unavailableActions: ["SetUserBlock"] })).rejects.toThrow(/unavailableActions must be a list of distinct action names/);
  });

  it("does not mistake an inherited property name for an action", async () => {
    for (const action of ["constructor", "__proto__", "toString"]) expect(await call(action, {}), action).toBe("InvalidAction");
  });
});
