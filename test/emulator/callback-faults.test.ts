import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { APP, emulator } from "../helpers/cli.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { rawCall } from "../helpers/signed.js";
import { Receiver, until } from "./callback-receiver.js";
import { control, rawControl } from "./control-client.js";

let emu: Emulator;
let receiver: Receiver;
beforeEach(async () => {
  receiver = await new Receiver().start();
  receiver.answer = (r) => (r.signed ? 200 : 401);
  emu = await emulator({ callbackUrl: receiver.url, callbackKey: "testKey", callbackRetry: { timeoutMs: 1000, retryEveryMs: 100, giveUpMs: 250 } });
});
afterEach(async () => {
  await emu.close();
  await receiver.close();
});

const enter = (userId: string, roomId: number | string = 1) => control(emu, "POST", "clients", { sdkAppId: APP, roomId, userId, action: "enter" });
const fault = (spec: object) => control(emu, "POST", "faults", { target: "callback", ...spec });
const kick = (roomId: number, ...userIds: string[]) => rawCall(emu, { action: "RemoveUser", params: { SdkAppId: APP, RoomId: roomId, UserIds: userIds } });
const settled = () => until(() => emu.callbacks!.log.every((r) => r.outcome !== "pending"));

describe("callback faults", () => {
  it("drop: the matching callback is never sent", async () => {
    expect(await fault({ kind: "drop", eventType: 103 })).toMatchObject({ target: "callback", kind: "drop", eventType: 103, times: 1 });
    await enter("ann");
    await enter("ben");
    await settled();
    expect(receiver.events()).toEqual(["101:ann", "103:ben"]);
    expect(emu.callbacks!.log.map((r) => [r.userId, r.eventType, r.outcome, r.fault])).toEqual([
      ["ann", 101, "delivered", undefined],
      ["ann", 103, "dropped", "drop"],
      ["ben", 103, "delivered", undefined],
    ]);
  });

  it("duplicate: the callback arrives twice, byte for byte", async () => {
    await fault({ kind: "duplicate", eventType: 101 });
    await enter("ann");
    await settled();
    expect(receiver.events()).toEqual(["101:ann", "101:ann", "103:ann"]);
    expect(receiver.received[0]!.raw.equals(receiver.received[1]!.raw)).toBe(true);
    expect(receiver.received[0]!.headers.sign).toBe(receiver.received[1]!.headers.sign);
  });

  it("delay: the callback is sent ms later, after later events of its room", async () => {
    // On a clock the test moves: ann's 103 waits for it, whatever the machine's load.
    const clock = new ManualClock();
    await emu.close();
    emu = await emulator({ callbackUrl: receiver.url, callbackKey: "testKey", clock });
    await fault({ kind: "delay", ms: 1000, eventType: 103 });
    await enter("ann");
    await enter("ben");
    await until(() => receiver.received.length === 2);
    expect(receiver.events()).toEqual(["101:ann", "103:ben"]);
    expect(clock.wakes()).toEqual([1000]);
    clock.advanceTo(999);
    expect(clock.wakes()).toEqual([1000]);
    clock.advanceTo(1000);
    await until(() => receiver.received.length === 3);
    expect(receiver.events()).toEqual(["101:ann", "103:ben", "103:ann"]);
    // Event times still say what happened first.
    expect(receiver.received[2]!.body.EventInfo.EventMsTs).toBeLessThan(receiver.received[1]!.body.EventInfo.EventMsTs);
  });

  it("bad-signature: Sign does not verify, so the receiver refuses it and it is retried until given up", async () => {
    await fault({ kind: "bad-signature", eventType: 101, times: 0 });
    await enter("ann");
    await settled();
    expect(receiver.received.filter((r) => r.body.EventType === 101).map((r) => r.signed)).toEqual([false, false, false, false]);
    expect(receiver.received.filter((r) => r.body.EventType === 103).map((r) => r.signed)).toEqual([true]);
    expect(emu.callbacks!.log[0]).toMatchObject({ eventType: 101, fault: "bad-signature", outcome: "gave-up", attempts: 4, lastError: "HTTP 401" });
  });

  it("is scoped by room (as typed) and by times", async () => {
    await fault({ kind: "drop", roomId: "1", times: 2 });
    await enter("ann", 1);
    await enter("ann", "1");
    await enter("ben", "1");
    await settled();
    // Rooms have separate queues: only each room's own order is fixed.
    expect(receiver.received.map((r) => `${JSON.stringify(r.body.EventInfo.RoomId)}:${r.body.EventType}:${r.body.EventInfo.UserId}`).sort()).toEqual([
      '"1":103:ben',
      "1:101:ann",
      "1:103:ann",
    ]);
    expect((await control(emu, "GET", "faults")).faults[0]).toMatchObject({ remaining: 0, hits: 2 });
  });

  it("leaves API requests alone, and API faults leave callbacks alone", async () => {
    // A callback fault that matches everything: the API still answers, and acts.
    await fault({ kind: "drop", times: 0 });
    await enter("ann");
    expect((await kick(1, "ann")).json?.Response.Error).toBeUndefined();
    expect((await control(emu, "GET", "state")).apps[0].rooms).toEqual({});
    await settled();
    expect(receiver.received).toEqual([]);
    expect(emu.callbacks!.log.map((r) => [r.eventType, r.outcome])).toEqual([
      [101, "dropped"],
      [103, "dropped"],
      [104, "dropped"],
      [102, "dropped"],
    ]);
    // An API fault that matches everything: the API fails, and callbacks are delivered.
    await control(emu, "DELETE", "faults");
    await control(emu, "POST", "faults", { kind: "error", code: "InternalError", times: 0 });
    expect((await kick(1, "ann")).json?.Response.Error?.Code).toBe("InternalError");
    await enter("ben", 2);
    await settled();
    expect(receiver.events()).toEqual(["101:ben", "103:ben"]);
  });
});

describe("callback fault validation", () => {
  const JSON_TYPE = { "Content-Type": "application/json" };
  it.each([
    [{ target: "callback", kind: "error" }, /kind must be one of drop, duplicate, delay, bad-signature/],
    [{ kind: "drop" }, /kind must be one of error.*"target": "callback"/],
    [{ target: "callbacks", kind: "drop" }, /target must be "api" or "callback"/],
    [{ target: "callback", kind: "drop", action: "RemoveUser" }, /unknown fault field "action"; the callback fault fields are/],
    [{ kind: "error", code: "InternalError", eventType: 103 }, /unknown fault field "eventType"/],
    [{ target: "callback", kind: "drop", eventType: 106 }, /eventType must be one of 101, 102, 103, 104, 105/],
    [{ target: "callback", kind: "drop", eventType: "103" }, /eventType/],
    [{ target: "callback", kind: "delay" }, /a delay fault needs ms/],
    [{ target: "callback", kind: "delay", ms: "100" }, /ms/],
    [{ target: "callback", kind: "duplicate", times: -1 }, /times/],
    [{ target: "callback", kind: "drop", roomId: [1] }, /roomId/],
  ])("refuses %j and adds none", async (spec, message) => {
    const res = await rawControl(emu, "POST", "faults", JSON_TYPE, JSON.stringify(spec));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
    expect((await control(emu, "GET", "faults")).faults).toEqual([]);
  });
});
