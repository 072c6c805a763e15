import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_CONTROL_BODY } from "../../src/emulator/control.js";
import type { Emulator } from "../../src/emulator/server.js";
import { EVENT_TRIM, MAX_EVENTS } from "../../src/emulator/state.js";
import { APP, emulator, seedApp } from "../helpers/cli.js";
import { rawCall } from "../helpers/signed.js";
import { control, rawControl } from "./control-client.js";

let emu: Emulator;
beforeEach(async () => {
  emu = await emulator({ seed: seedApp({ "123": ["alice", "bob"] }) });
});
afterEach(() => emu.close());

const JSON_TYPE = { "Content-Type": "application/json" };
const fault = JSON.stringify({ kind: "error", code: "InternalError", times: 0 });
const dismiss123 = { action: "DismissRoom", params: { SdkAppId: APP, RoomId: 123 } };
const settings = () => control(emu, "GET", "config");
const faults = async () => (await control(emu, "GET", "faults")).faults;

describe("the control API refuses what a web page could make a browser send", () => {
  it("refuses any request with an Origin header, and changes nothing", async () => {
    await control(emu, "POST", "seed", { apps: [{ sdkAppId: 1400000002 }] });
    const origin = { Origin: "https://evil.example", ...JSON_TYPE };
    for (const [method, path, body] of [
      ["POST", "faults", fault],
      ["POST", "reset", "{}"],
      ["POST", "config", '{"lenientSigning": true}'],
      ["DELETE", "requests", undefined],
      ["GET", "state", undefined],
    ] as const) {
      const res = await rawControl(emu, method, path, origin, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.error).toMatch(/Origin/);
    }
    // "null" is what a sandboxed frame or a file: page sends.
    expect((await rawControl(emu, "POST", "faults", { Origin: "null", ...JSON_TYPE }, fault)).status).toBe(403);
    expect(await faults()).toEqual([]);
    expect((await settings()).lenientSigning).toBe(false);
    expect((await control(emu, "GET", "state")).apps.map((a: any) => a.sdkAppId)).toEqual([APP, 1400000002]);
    expect(await rawCall(emu, dismiss123).then((r) => r.json?.Response.Error)).toBeUndefined();
  });

  it("refuses a request addressed to a host name that is not loopback (DNS rebinding)", async () => {
    const res = await rawControl(emu, "POST", "faults", { Host: `rebind.evil.example:${new URL(emu.url).port}`, ...JSON_TYPE }, fault);
    expect(res.status).toBe(403);
    expect(await faults()).toEqual([]);
    expect((await rawControl(emu, "GET", "health", { Host: `localhost:${new URL(emu.url).port}` })).status).toBe(200);
  });

  it.each([["text/plain"], ["text/plain;charset=UTF-8"], ["application/x-www-form-urlencoded"], ["multipart/form-data; boundary=x"], [undefined]])(
    "refuses a POST with Content-Type %s (415) and adds no fault",
    async (type) => {
      const res = await rawControl(emu, "POST", "faults", type === undefined ? {} : { "Content-Type": type }, fault);
      expect(res.status).toBe(415);
      expect(res.json.error).toMatch(/application\/json/);
      expect(await faults()).toEqual([]);
      expect(await rawCall(emu, dismiss123).then((r) => r.json?.Response.Error)).toBeUndefined();
    },
  );

  it("refuses a reset without Content-Type: application/json, even with no body", async () => {
    await control(emu, "POST", "faults", { kind: "error", code: "InternalError" });
    expect((await rawControl(emu, "POST", "reset", {})).status).toBe(415);
    expect(await faults()).toHaveLength(1);
    expect((await rawControl(emu, "POST", "reset", { "Content-Type": "application/json; charset=utf-8" })).status).toBe(200);
    expect(await faults()).toEqual([]);
  });

  it("refuses a body over 1 MiB (413) and applies nothing", async () => {
    const users = Array.from({ length: 100_000 }, (_, i) => `user${i}`);
    const body = JSON.stringify({ apps: [{ sdkAppId: 1400000003, rooms: { "9": users } }] });
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_CONTROL_BODY);
    const res = await rawControl(emu, "POST", "seed", JSON_TYPE, body);
    expect(res.status).toBe(413);
    expect((await control(emu, "GET", "state")).apps.map((a: any) => a.sdkAppId)).toEqual([APP]);
    // Exactly 1 MiB is read; one byte more is not.
    const big = JSON.stringify({ kind: "error", code: "InternalError", message: "x".repeat(MAX_CONTROL_BODY - 100) });
    expect((await rawControl(emu, "POST", "faults", JSON_TYPE, big.padEnd(MAX_CONTROL_BODY + 1, " "))).status).toBe(413);
    expect(await faults()).toEqual([]);
    expect((await rawControl(emu, "POST", "faults", JSON_TYPE, big.padEnd(MAX_CONTROL_BODY, " "))).status).toBe(201);
  });
});

describe("control inputs are checked by type", () => {
  it('refuses {"lenientSigning": "false"}: lenient signing stays off', async () => {
    for (const value of ['"false"', '"true"', "0", "1", "null"]) {
      const res = await rawControl(emu, "POST", "config", JSON_TYPE, `{"lenientSigning": ${value}}`);
      expect(res.status, value).toBe(400);
      expect(res.json.error).toMatch(/lenientSigning must be true or false/);
    }
    expect((await settings()).lenientSigning).toBe(false);
    // The official SDK's service name from a loopback endpoint is still refused.
    expect((await rawCall(emu, { ...dismiss123, service: "127" })).json?.Response.Error?.Code).toBe("AuthFailure.SignatureFailure");
    expect((await control(emu, "POST", "config", { lenientSigning: true })).lenientSigning).toBe(true);
    expect((await control(emu, "POST", "config", { lenientSigning: false })).lenientSigning).toBe(false);
  });

  it.each([
    [{ rateLimit: "5" }, /rateLimit/],
    [{ rateLimit: 1.5 }, /rateLimit/],
    [{ latencyMs: "100" }, /latencyMs/],
    [{ latencyMs: -1 }, /latencyMs/],
    [{ latencyMs: 1e12 }, /latencyMs/],
    [{ lenient: true }, /unknown setting "lenient"/],
    [{ rateLimit: 0, lenientSigning: "yes" }, /lenientSigning/],
    [[], /JSON object/],
    ["true", /JSON object/],
  ])("refuses the config patch %j and changes no setting", async (patch, message) => {
    const before = await settings();
    const res = await rawControl(emu, "POST", "config", JSON_TYPE, JSON.stringify(patch));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
    expect(await settings()).toEqual(before);
  });

  it.each([
    [{ kind: "error", code: "InternalError", times: "2" }, /times/],
    [{ kind: "error", code: "InternalError", times: -1 }, /times/],
    [{ kind: "error", code: 500 }, /code/],
    [{ kind: "error", code: "" }, /code/],
    [{ kind: "error" }, /needs code/],
    [{ kind: "error", code: "InternalError", message: 1 }, /message/],
    [{ kind: "error", code: "InternalError", action: "Dismissroom" }, /action must be one of/],
    [{ kind: "error", code: "InternalError", roomId: { id: 1 } }, /roomId/],
    [{ kind: "error", code: "InternalError", roomId: null }, /roomId/],
    [{ kind: "error", code: "InternalError", roomID: 123 }, /unknown fault field "roomID"/],
    [{ kind: "error", code: "InternalError", time: 2 }, /unknown fault field "time"/],
    [{ kind: "http", status: "503" }, /status/],
    [{ kind: "latency", ms: "300" }, /ms/],
    [{ kind: "latency", ms: 1e12 }, /ms/],
    [{ kind: ["error"] }, /kind/],
    [null, /JSON object/],
  ])("refuses the fault %j and adds none", async (spec, message) => {
    const res = await rawControl(emu, "POST", "faults", JSON_TYPE, JSON.stringify(spec));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
    expect(await faults()).toEqual([]);
  });

  it("keeps only the known fields of a fault", async () => {
    const added = await control(emu, "POST", "faults", { kind: "http", status: 503, roomId: 123, action: "DismissRoom" });
    expect(added).toEqual({ target: "api", kind: "http", status: 503, roomId: 123, action: "DismissRoom", times: 1, id: 1, remaining: 1, hits: 0 });
  });

  it.each([
    [{ apps: [{ sdkAppId: APP, rooms: { "5": [7] } }] }, /user id 7 must be a string/],
    [{ apps: [{ sdkAppId: APP, rooms: { "5": [true] } }] }, /must be a string/],
    [{ apps: [{ sdkAppId: APP, rooms: { "5": [null] } }] }, /must be a string/],
    [{ apps: [{ sdkAppId: APP, strroms: { lobby: ["a"] } }] }, /unknown key "strroms"/],
    [{ apps: [], extra: 1 }, /unknown key "extra"/],
    [{ apps: [{ sdkAppId: "1400000001" }] }, /sdkAppId must be a positive integer/],
  ])("refuses the seed %j and changes nothing", async (seed, message) => {
    const res = await rawControl(emu, "POST", "seed", JSON_TYPE, JSON.stringify(seed));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
    expect((await control(emu, "GET", "state")).apps).toEqual([
      { sdkAppId: APP, rooms: { "123": ["alice", "bob"] }, strRooms: {}, mutes: { rooms: {}, strRooms: {} } },
    ]);
  });

  it("refuses an events cursor that is not a sequence number", async () => {
    for (const since of ["abc", "-1", "1.5", ""]) expect((await rawControl(emu, "GET", `events?since=${since}`, {})).status, since).toBe(400);
    expect((await rawControl(emu, "GET", "events?since=0", {})).status).toBe(200);
  });
});

describe("the event log is bounded", () => {
  it(`keeps the latest ${MAX_EVENTS}..${MAX_EVENTS + EVENT_TRIM} events, dropping the oldest in blocks`, async () => {
    const members = MAX_EVENTS + EVENT_TRIM + 5_000;
    emu.store.seed({ apps: [{ sdkAppId: APP, rooms: { "77": Array.from({ length: members }, (_, i) => `m${i}`) } }] });
    expect((await rawCall(emu, { action: "DismissRoom", params: { SdkAppId: APP, RoomId: 77 } })).json?.Response.Error).toBeUndefined();
    const { events } = emu.store;
    expect(events.length).toBeGreaterThanOrEqual(MAX_EVENTS);
    expect(events.length).toBeLessThanOrEqual(MAX_EVENTS + EVENT_TRIM);
    expect(events.at(-1)!.seq).toBe(members);
    expect(events.at(-1)!.seq - events[0]!.seq + 1).toBe(events.length);
    expect((await control(emu, "GET", `events?since=${members - 3}`)).events.map((e: any) => e.userId)).toEqual([
      `m${members - 3}`,
      `m${members - 2}`,
      `m${members - 1}`,
    ]);
    expect((await control(emu, "GET", "stats")).events).toBe(events.length);
  });
});
