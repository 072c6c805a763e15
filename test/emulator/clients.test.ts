import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { APP, emulator, seedApp } from "../helpers/cli.js";
import { rawCall } from "../helpers/signed.js";
import { Receiver, until } from "./callback-receiver.js";
import { control, rawControl } from "./control-client.js";

let emu: Emulator;
let receiver: Receiver;
beforeEach(async () => {
  receiver = await new Receiver().start();
  emu = await emulator({ seed: seedApp({ "9": ["sam"] }), callbackUrl: receiver.url, callbackKey: "testKey" });
});
afterEach(async () => {
  await emu.close();
  await receiver.close();
});

const JSON_TYPE = { "Content-Type": "application/json" };
const client = (body: object) => rawControl(emu, "POST", "clients", JSON_TYPE, JSON.stringify({ sdkAppId: APP, ...body }));
const state = async () => (await control(emu, "GET", "state")).apps[0];
const events = async () => (await control(emu, "GET", "events")).events.map((e: any) => `${e.userId}:${e.event}${e.remoteUserId ? `(${e.remoteUserId})` : ""}`);
const kick = (roomId: number, ...userIds: string[]) => rawCall(emu, { action: "RemoveUser", params: { SdkAppId: APP, RoomId: roomId, UserIds: userIds } });

describe("POST /_emulator/clients", () => {
  it("enters a room, creating it, and answers with its members", async () => {
    const res = await client({ roomId: 42, userId: "ann", action: "enter" });
    expect(res).toEqual({ status: 200, json: { ok: true, room: { roomId: 42, roomIdType: "numeric", members: ["ann"] } } });
    expect((await client({ roomId: "42", userId: "ann", action: "enter", role: "audience" })).json.room).toEqual({
      roomId: "42",
      roomIdType: "string",
      members: ["ann"],
    });
    expect(await state()).toMatchObject({ rooms: { "9": ["sam"], "42": ["ann"] }, strRooms: { "42": ["ann"] } });
  });

  it("tells the others when an anchor enters or leaves, never for an audience member", async () => {
    await client({ roomId: 9, userId: "ann", action: "enter" });
    await client({ roomId: 9, userId: "aud", action: "enter", role: "audience" });
    await client({ roomId: 9, userId: "aud", action: "leave" });
    await client({ roomId: 9, userId: "ann", action: "leave" });
    expect(await events()).toEqual([
      "ann:onEnterRoom",
      "sam:onRemoteUserEnterRoom(ann)",
      "aud:onEnterRoom",
      "aud:onExitRoom",
      "ann:onExitRoom",
      "sam:onRemoteUserLeaveRoom(ann)",
    ]);
    const { events: raw } = await control(emu, "GET", "events");
    expect(raw.filter((e: any) => e.event === "onExitRoom").map((e: any) => e.reason)).toEqual([0, 0]);
    expect(raw.at(-1).reason).toBe(0);
  });

  it("refuses to enter twice or to leave a room one is not in (409), changing nothing", async () => {
    expect((await client({ roomId: 9, userId: "sam", action: "enter" })).status).toBe(409);
    const res = await client({ roomId: 9, userId: "ann", action: "leave" });
    expect(res.status).toBe(409);
    expect(res.json.error).toMatch(/ann is not in the room/);
    expect((await client({ roomId: 10, userId: "ann", action: "leave" })).status).toBe(409);
    expect(await events()).toEqual([]);
    expect((await state()).rooms).toEqual({ "9": ["sam"] });
  });

  it.each([
    [{ roomId: 1, userId: "a", action: "enter", role: "host" }, /role must be "anchor" or "audience"/],
    [{ roomId: 1, userId: "a", action: "join" }, /action must be "enter" or "leave"/],
    [{ roomId: 1, userId: "a" }, /action must be/],
    [{ roomId: 0, userId: "a", action: "enter" }, /roomId must be/],
    [{ roomId: 4294967295, userId: "a", action: "enter" }, /roomId must be/],
    [{ roomId: 1.5, userId: "a", action: "enter" }, /roomId must be/],
    [{ roomId: "a/b", userId: "a", action: "enter" }, /roomId must be/],
    [{ roomId: "", userId: "a", action: "enter" }, /roomId must be/],
    [{ roomId: null, userId: "a", action: "enter" }, /roomId must be/],
    [{ roomId: 1, userId: "bad id", action: "enter" }, /userId must be/],
    [{ roomId: 1, userId: ["a"], action: "enter" }, /userId must be/],
    [{ roomId: 1, userId: "a", action: "enter", rejoinAfterKickMs: -1 }, /rejoinAfterKickMs/],
    [{ roomId: 1, userId: "a", action: "enter", rejoinAfterKickMs: "5" }, /rejoinAfterKickMs/],
    [{ roomId: 1, userId: "a", action: "leave", rejoinAfterKickMs: 5 }, /apply only to enter/],
    [{ roomId: 1, userId: "a", action: "leave", role: "anchor" }, /apply only to enter/],
    [{ roomId: 1, userId: "a", action: "enter", room: 1 }, /unknown client field "room"/],
    [{ roomId: 1, userId: "a", action: "enter", sdkAppId: "1400000001" }, /sdkAppId must be a positive integer/],
    [{ roomId: 1, userId: "a", action: "enter", sdkAppId: 1400000999 }, /does not know SdkAppId 1400000999/],
  ])("refuses %j (400) and changes nothing", async (body, message) => {
    const res = await client(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
    expect((await state()).rooms).toEqual({ "9": ["sam"] });
    expect(emu.callbacks!.log).toEqual([]);
  });

  it("refuses a body that is not a JSON object", async () => {
    for (const body of ["[]", "null", '"enter"']) expect((await rawControl(emu, "POST", "clients", JSON_TYPE, body)).status, body).toBe(400);
  });
});

describe("a client that re-enters after a kick (rejoinAfterKickMs)", () => {
  /**
   * Waits until a sentinel client kicked now has re-entered after `ms`: timers of equal delay fire in
   * the order they were set, so any re-entry scheduled earlier with at most `ms` has had its chance.
   */
  const pastRejoins = async (ms: number) => {
    await client({ roomId: 77, userId: "sentinel", action: "enter", rejoinAfterKickMs: ms });
    await kick(77, "sentinel");
    await until(() => receiver.events().filter((e) => e === "103:sentinel").length === 2);
  };

  it("enters again N ms after each kick, firing 101 and 103 again", async () => {
    await client({ roomId: 5, userId: "troll", action: "enter", role: "audience", rejoinAfterKickMs: 100 });
    const kickedAt = performance.now();
    expect((await kick(5, "troll")).json?.Response.Error).toBeUndefined();
    await until(() => receiver.received.length === 6);
    // The kick empties (104, 102) the room before the client comes back, not after.
    expect(receiver.events()).toEqual(["101:troll", "103:troll", "104:troll", "102", "101:troll", "103:troll"]);
    expect(receiver.received[5]!.at - kickedAt).toBeGreaterThanOrEqual(95);
    expect(receiver.received[5]!.body.EventInfo.Role).toBe(21);
    expect((await state()).rooms["5"]).toEqual(["troll"]);
    // And again after the next kick.
    const againAt = performance.now();
    await kick(5, "troll");
    await until(() => receiver.received.length === 10);
    expect(receiver.events().slice(6)).toEqual(["104:troll", "102", "101:troll", "103:troll"]);
    expect(receiver.received[9]!.at - againAt).toBeGreaterThanOrEqual(95);
    expect((await state()).rooms["5"]).toEqual(["troll"]);
  });

  it("stops once the client leaves and enters again without it", async () => {
    await client({ roomId: 5, userId: "a", action: "enter", rejoinAfterKickMs: 30 });
    await client({ roomId: 5, userId: "a", action: "leave" });
    await client({ roomId: 5, userId: "a", action: "enter" });
    await kick(5, "a");
    await pastRejoins(30);
    expect((await state()).rooms["5"]).toBeUndefined();
    expect((await events()).filter((e: string) => e === "a:onEnterRoom")).toHaveLength(2);
  });

  it("stops when the emulator resets", async () => {
    await client({ roomId: 6, userId: "b", action: "enter", rejoinAfterKickMs: 30 });
    await kick(6, "b");
    await control(emu, "POST", "reset");
    await pastRejoins(30);
    expect((await state()).rooms).toEqual({ "9": ["sam"], "77": ["sentinel"] });
  });

  it("does not enter twice when the user came back by hand first", async () => {
    await client({ roomId: 5, userId: "a", action: "enter", rejoinAfterKickMs: 80 });
    await kick(5, "a");
    await client({ roomId: 5, userId: "a", action: "enter" });
    await pastRejoins(80);
    expect((await state()).rooms["5"]).toEqual(["a"]);
    expect((await events()).filter((e: string) => e === "a:onEnterRoom")).toHaveLength(2);
  });
});
