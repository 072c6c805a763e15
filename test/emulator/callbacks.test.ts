import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signCallback } from "../../src/emulator/callback-body.js";
import type { CallbackRetry } from "../../src/emulator/callbacks.js";
import type { Emulator } from "../../src/emulator/server.js";
import { APP, emulator, seedApp } from "../helpers/cli.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { rawCall } from "../helpers/signed.js";
import { Receiver, until } from "./callback-receiver.js";
import { control } from "./control-client.js";

let emu: Emulator;
let receiver: Receiver;
beforeEach(async () => {
  receiver = await new Receiver().start();
  emu = await emulator({
    seed: seedApp({ "9": ["sam", "tia"] }),
    callbackUrl: receiver.url,
    callbackKey: "testKey",
    callbackRetry: { timeoutMs: 1000, retryEveryMs: 1000, giveUpMs: 3000 },
  });
});
afterEach(async () => {
  await emu.close();
  await receiver.close();
});

const client = (userId: string, roomId: number | string, action = "enter", extra: object = {}) =>
  control(emu, "POST", "clients", { sdkAppId: APP, roomId, userId, action, ...extra });
const api = async (action: string, params: object) => (await rawCall(emu, { action, params: { SdkAppId: APP, ...params } })).json?.Response.Error?.Code ?? "ok";
const settled = () => until(() => emu.callbacks!.log.every((r) => r.outcome !== "pending"));

describe("callback signatures", () => {
  // The known-answer vector from TRTC's callback-signature documentation.
  const documented =
    '{\n\t"EventGroupId":\t1,\n\t"EventType":\t104,\n\t"CallbackTs":\t1634025594562,\n\t"EventInfo":\t{\n\t\t"RoomId":\t"696969",\n\t\t"EventTs":\t1634025594,\n\t\t"EventMsTs":\t1634025594520,\n\t\t"UserId":\t"test10",\n\t\t"UniqueId":\t1634025590938,\n\t\t"Role":\t20,\n\t\t"Reason":\t1\n\t}\n}';

  it("signs the documented body as TRTC does, over its exact bytes", () => {
    expect(signCallback("testKey", Buffer.from(documented))).toBe("ykT+66vvx+Q9tyAEAJIyp5D/zOyPlaSNlsU2MB7InuU=");
    expect(signCallback("testKey", Buffer.from(documented.replaceAll("\t", "  ")))).not.toBe("ykT+66vvx+Q9tyAEAJIyp5D/zOyPlaSNlsU2MB7InuU=");
  });

  it("sends tab-indented bodies with Sign and SdkAppId headers, so only a byte-exact verifier passes", async () => {
    await client("ann", 1234);
    await until(() => receiver.received.length === 2);
    for (const r of receiver.received) {
      expect(r.signed).toBe(true);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers.sdkappid).toBe(String(APP));
      expect(r.raw.toString()).toBe(JSON.stringify(r.body, null, "\t"));
      expect(r.raw.toString()).toMatch(/^{\n\t"EventGroupId": 1,\n\t"EventType": 10[13],\n/);
      // A verifier that re-serialises the parsed body computes a different signature.
      expect(signCallback("testKey", JSON.stringify(r.body))).not.toBe(r.headers.sign);
    }
  });
});

describe("room changes as callbacks", () => {
  it("enter and leave: 101 then 103 for the first member, 104 Reason 1 on leaving, 102 when the last one leaves", async () => {
    await client("ann", 1234);
    await client("ben", 1234, "enter", { role: "audience" });
    await client("ann", 1234, "leave");
    await client("ben", 1234, "leave");
    await until(() => receiver.received.length === 6);
    expect(receiver.events()).toEqual(["101:ann", "103:ann", "103:ben", "104:ann", "104:ben", "102"]);
    const infos = receiver.received.map((r) => r.body.EventInfo);
    expect(receiver.received.every((r) => r.body.EventGroupId === 1 && Number.isInteger(r.body.CallbackTs))).toBe(true);
    expect(infos.map((i) => [i.Role, i.Reason])).toEqual([
      [20, undefined],
      [20, 1],
      [21, 1],
      [20, 1],
      [21, 1],
      [undefined, undefined],
    ]);
    expect(infos.every((i) => i.RoomId === 1234 && i.EventTs === Math.floor(i.EventMsTs / 1000))).toBe(true);
    expect(Object.keys(infos[5]!)).toEqual(["RoomId", "EventTs", "EventMsTs"]);
    // One stay, one UniqueId: ann's 103 and 104 carry the same one, ben's another.
    expect(infos[1]!.UniqueId).toBe(infos[3]!.UniqueId);
    expect(infos[2]!.UniqueId).not.toBe(infos[1]!.UniqueId);
    // Strictly increasing within the room, even when several fall in one millisecond.
    for (let i = 1; i < infos.length; i++) expect(infos[i]!.EventMsTs).toBeGreaterThan(infos[i - 1]!.EventMsTs);
  });

  it("RoomId keeps the room's JSON type: a string room sends a string", async () => {
    await client("ann", "1234");
    await client("ann", 1234);
    await until(() => receiver.received.length === 4);
    expect(receiver.received.map((r) => r.body.EventInfo.RoomId)).toEqual(["1234", "1234", 1234, 1234]);
    expect((await control(emu, "GET", "state")).apps[0]).toMatchObject({ rooms: { "1234": ["ann"], "9": ["sam", "tia"] }, strRooms: { "1234": ["ann"] } });
  });

  it("seeded members send nothing at start; a kick sends 104 Reason 3 for each, then 102 when the room empties", async () => {
    expect(await api("RemoveUser", { RoomId: 9, UserIds: ["sam", "ghost"] })).toBe("ok");
    expect(await api("RemoveUser", { RoomId: 9, UserIds: ["tia"] })).toBe("ok");
    await until(() => receiver.received.length === 3);
    expect(receiver.events()).toEqual(["104:sam", "104:tia", "102"]);
    expect(receiver.received.slice(0, 2).map((r) => r.body.EventInfo.Reason)).toEqual([3, 3]);
  });

  it("a dismissal sends one 102", async () => {
    await client("ann", "standup");
    await client("ben", "standup");
    expect(await api("DismissRoomByStrRoomId", { RoomId: "standup" })).toBe("ok");
    await until(() => receiver.received.length === 4);
    expect(receiver.events()).toEqual(["101:ann", "103:ann", "103:ben", "102"]);
    expect(receiver.received[3]!.body.EventInfo.RoomId).toBe("standup");
    await settled();
    expect(receiver.received).toHaveLength(4);
  });

  it("a reset sends nothing and cancels pending retries", async () => {
    const clock = new ManualClock();
    await emu.close();
    emu = await emulator({ callbackUrl: receiver.url, callbackKey: "testKey", callbackRetry: { timeoutMs: 1000, retryEveryMs: 100, giveUpMs: 60_000 }, clock });
    receiver.answer = () => 500;
    await client("ann", 77);
    // The first attempts of the 101 and the 103 and their immediate retries failed; the next retries sleep on the clock.
    await until(() => receiver.received.length === 4 && clock.wakes().length === 2);
    await control(emu, "POST", "reset");
    expect((await control(emu, "GET", "callbacks")).callbacks).toEqual([]);
    // No retry is left waiting to be sent, however far the clock moves; nothing was sent by the reset.
    expect(clock.wakes()).toEqual([]);
    expect(receiver.received).toHaveLength(4);
  });
});

describe("delivery order", () => {
  it("keeps one room's callbacks in order while each waits for a slow receiver", async () => {
    receiver.answer = () => "hang";
    await client("ann", 5);
    await client("ben", 5);
    await client("cat", 5);
    // Only the first is in flight until it times out; the rest wait their turn.
    await until(() => receiver.received.length === 1);
    receiver.answer = () => 200;
    await until(() => receiver.events().filter((e) => e !== "101:ann").length === 3, 4000);
    // The 101's immediate retry runs beside the queue, so only the 103s' order is fixed.
    expect(receiver.events()[0]).toBe("101:ann");
    expect(receiver.events().filter((e) => e.startsWith("103"))).toEqual(["103:ann", "103:ben", "103:cat"]);
    expect(receiver.events().filter((e) => e === "101:ann")).toHaveLength(2);
  });

  it("lets a retry arrive after later events of the room, as TRTC's may", async () => {
    let refusals = 0;
    receiver.answer = (r) => (r.body.EventInfo.UserId === "ben" && refusals++ < 2 ? 503 : 200);
    await client("ann", 5);
    await client("ben", 5);
    await client("cat", 5);
    await until(() => emu.callbacks!.log.every((r) => r.outcome === "delivered"), 4000);
    // ben's immediate retry races cat's first attempt; his third, a retryEveryMs later, comes after both.
    expect(receiver.events().slice(0, 3)).toEqual(["101:ann", "103:ann", "103:ben"]);
    expect(receiver.events().slice(3).sort()).toEqual(["103:ben", "103:ben", "103:cat"]);
    expect(receiver.events().at(-1)).toBe("103:ben");
    expect(emu.callbacks!.log.find((r) => r.userId === "ben")).toMatchObject({ attempts: 3, outcome: "delivered" });
  });
});

describe("retries, as TRTC's", () => {
  // Each test starts its emulator with the policy it needs. Where a test is not about the timeout it
  // is far above a loaded machine's response time, so only a hung answer ever times out.
  let fast: Emulator | undefined;
  const start = async (retry: CallbackRetry = { timeoutMs: 5000, retryEveryMs: 300, giveUpMs: 1000 }) =>
    (fast = await emulator({ callbackUrl: receiver.url, callbackKey: "testKey", callbackRetry: retry }));
  afterEach(async () => {
    await fast?.close();
    fast = undefined;
  });
  const enter = (userId: string) => control(fast!, "POST", "clients", { sdkAppId: APP, roomId: 3, userId, action: "enter" });
  const arrivals = (eventType: number) => receiver.received.filter((r) => r.body.EventType === eventType).map((r) => r.at);

  it("retries at once, then every retryEveryMs from the first attempt, and gives up giveUpMs after it", async () => {
    // The schedule runs on a clock the test moves, so the load of the machine cannot shift an attempt.
    const clock = new ManualClock();
    const e = (fast = await emulator({
      callbackUrl: receiver.url,
      callbackKey: "testKey",
      callbackRetry: { timeoutMs: 5000, retryEveryMs: 1000, giveUpMs: 3000 },
      clock,
    }));
    const at: number[] = [];
    receiver.answer = (r) => {
      if (r.body.EventType !== 101) return 200;
      at.push(clock.now());
      // The third attempt is slow: the next is still due retryEveryMs after the first, not after this one.
      if (at.length === 3) clock.pass(300);
      return 500;
    };
    await enter("ann");
    // The first attempt and the immediate retry, then a wait for the first scheduled one.
    await until(() => clock.wakes().length === 1);
    expect(at).toEqual([0, 0]);
    expect(clock.wakes()).toEqual([1000]);
    clock.advanceTo(999);
    expect(clock.wakes()).toEqual([1000]);
    clock.advanceTo(1000);
    await until(() => clock.wakes().length === 1);
    expect(at).toEqual([0, 0, 1000]);
    expect(clock.wakes()).toEqual([2000]);
    clock.advanceTo(2000);
    // None at 3000: no attempt starts giveUpMs or later after the first.
    await until(() => e.callbacks!.log[0]!.outcome === "gave-up");
    expect(at).toEqual([0, 0, 1000, 2000]);
    expect(clock.wakes()).toEqual([]);
    expect(e.callbacks!.log[0]).toMatchObject({ eventType: 101, attempts: 4, outcome: "gave-up", lastError: "HTTP 500" });
    expect(new Set(receiver.received.filter((r) => r.body.EventType === 101).map((r) => r.raw.toString())).size).toBe(1);
  });

  it("counts an attempt as failed after timeoutMs without an answer", async () => {
    // The answers that are not hung come well within the timeout, even on a loaded machine.
    const e = await start({ timeoutMs: 1000, retryEveryMs: 10_000, giveUpMs: 60_000 });
    let first = true;
    receiver.answer = (r) => (r.body.EventType === 101 && first ? ((first = false), "hang") : 200);
    const before = performance.now();
    await enter("ann");
    await until(() => e.callbacks!.log.every((r) => r.outcome === "delivered"), 10_000);
    const tries = arrivals(101);
    expect(tries).toHaveLength(2);
    expect(e.callbacks!.log[0]).toMatchObject({ attempts: 2, outcome: "delivered" });
    // The immediate retry starts once the first attempt has timed out, timeoutMs after it started (after
    // `before`): never sooner, whatever the load. And not much later: TRTC's default 5 s timeout, or a
    // retry that waited for the schedule (10 s), would be well past 2500, which leaves room for a stall.
    expect(tries[1]! - before).toBeGreaterThanOrEqual(1000 - 2);
    expect(tries[1]! - tries[0]!).toBeLessThan(2500);
  });

  it("delivers on a later retry when the receiver comes back", async () => {
    const e = await start();
    let refusals = 0;
    receiver.answer = (r) => (r.body.EventType === 103 && refusals++ < 3 ? 502 : 200);
    await enter("ann");
    await until(() => e.callbacks!.log.every((r) => r.outcome === "delivered"), 5000);
    expect(e.callbacks!.log.map((r) => [r.eventType, r.attempts])).toEqual([
      [101, 1],
      [103, 4],
    ]);
  });

  it("reports a receiver that is not listening as a socket error", async () => {
    const e = await start();
    await receiver.close();
    await enter("ann");
    await until(() => e.callbacks!.log.every((r) => r.outcome === "gave-up"), 5000);
    expect(e.callbacks!.log[0]!.lastError).toBe("ECONNREFUSED");
    receiver = await new Receiver().start();
  });
});
