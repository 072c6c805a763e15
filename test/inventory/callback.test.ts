import { describe, expect, it } from "vitest";
import { checkCallback } from "../../src/events/check.js";
import { parseCallback } from "../../src/events/parse.js";
import { signBody, verifySign } from "../../src/events/sign.js";
import { APP, callbackBody, KEY, signedHeaders } from "./helpers.js";

// TRTC's documented sample (trtc.io/document/54912): key "testKey", tab-indented body, no trailing newline.
const VECTOR_BODY =
  '{\n\t"EventGroupId":\t1,\n\t"EventType":\t104,\n\t"CallbackTs":\t1634025594562,\n\t"EventInfo":\t{\n\t\t"RoomId":\t"696969",\n\t\t"EventTs":\t1634025594,\n\t\t"EventMsTs":\t1634025594520,\n\t\t"UserId":\t"test10",\n\t\t"UniqueId":\t1634025590938,\n\t\t"Role":\t20,\n\t\t"Reason":\t1\n\t}\n}';
const VECTOR_SIGN = "ykT+66vvx+Q9tyAEAJIyp5D/zOyPlaSNlsU2MB7InuU=";

describe("callback signature", () => {
  it("matches TRTC's known-answer vector", () => {
    expect(signBody("testKey", Buffer.from(VECTOR_BODY))).toBe(VECTOR_SIGN);
    expect(verifySign("testKey", Buffer.from(VECTOR_BODY), VECTOR_SIGN)).toBe(true);
  });

  it("covers the raw bytes: the same JSON with tabs as spaces, or re-serialised, fails", () => {
    expect(verifySign("testKey", Buffer.from(VECTOR_BODY.replace(/\t/g, " ")), VECTOR_SIGN)).toBe(false);
    expect(verifySign("testKey", Buffer.from(JSON.stringify(JSON.parse(VECTOR_BODY))), VECTOR_SIGN)).toBe(false);
  });

  it("refuses a wrong key, a missing, truncated or non-base64 Sign, without throwing", () => {
    const raw = Buffer.from(VECTOR_BODY);
    for (const sign of [undefined, "", VECTOR_SIGN.slice(0, -2), `${VECTOR_SIGN}=`, "x".repeat(44), VECTOR_SIGN.toLowerCase()])
      expect(verifySign("testKey", raw, sign)).toBe(false);
    expect(verifySign("otherKey", raw, VECTOR_SIGN)).toBe(false);
  });
});

describe("callback body", () => {
  it('reads the vector as a 104 in string room "696969"', () => {
    expect(parseCallback(Buffer.from(VECTOR_BODY))).toEqual({
      groupId: 1,
      type: 104,
      callbackMs: 1634025594562,
      room: { type: 104, roomId: "696969", roomIdType: "string", userId: "test10", eventMs: 1634025594520, role: "anchor", reason: 1 },
    });
  });

  it("takes the room type from the JSON type of RoomId", () => {
    expect(parseCallback(callbackBody({ type: 101, room: 1234, ms: 1 })).room).toMatchObject({ roomId: 1234, roomIdType: "numeric", userId: "" });
    expect(parseCallback(callbackBody({ type: 101, room: "1234", ms: 1 })).room).toMatchObject({ roomId: "1234", roomIdType: "string" });
  });

  it("keeps other event groups without room fields", () => {
    const raw = Buffer.from(JSON.stringify({ EventGroupId: 2, EventType: 201, CallbackTs: 5, EventInfo: { RoomId: 1, UserId: "a" } }));
    expect(parseCallback(raw)).toEqual({ groupId: 2, type: 201, callbackMs: 5 });
  });

  const bad: [string, unknown][] = [
    ["not JSON", "{"],
    ["an array", [1]],
    ["no EventGroupId", { EventType: 103, CallbackTs: 1, EventInfo: {} }],
    ["a room event type out of range", { EventGroupId: 1, EventType: 106, CallbackTs: 1, EventInfo: { RoomId: 1, EventMsTs: 1 } }],
    ["no EventMsTs", { EventGroupId: 1, EventType: 101, CallbackTs: 1, EventInfo: { RoomId: 1 } }],
    ["an EventMsTs past year 9999", { EventGroupId: 1, EventType: 101, CallbackTs: 1, EventInfo: { RoomId: 1, EventMsTs: 9e15 } }],
    ["a CallbackTs past year 9999 (any group)", { EventGroupId: 3, EventType: 301, CallbackTs: 9e15, EventInfo: {} }],
    ["a 103 without UserId", { EventGroupId: 1, EventType: 103, CallbackTs: 1, EventInfo: { RoomId: 1, EventMsTs: 1, Role: 20 } }],
    ["a 103 with Role 22", { EventGroupId: 1, EventType: 103, CallbackTs: 1, EventInfo: { RoomId: 1, EventMsTs: 1, UserId: "a", Role: 22 } }],
    [
      'a 105 with Role "constructor"',
      { EventGroupId: 1, EventType: 105, CallbackTs: 1, EventInfo: { RoomId: 1, EventMsTs: 1, UserId: "a", Role: "constructor" } },
    ],
    ["numeric room 0", { EventGroupId: 1, EventType: 101, CallbackTs: 1, EventInfo: { RoomId: 0, EventMsTs: 1 } }],
    ["numeric room 1.5", { EventGroupId: 1, EventType: 101, CallbackTs: 1, EventInfo: { RoomId: 1.5, EventMsTs: 1 } }],
    ["a string room over 64 bytes", { EventGroupId: 1, EventType: 101, CallbackTs: 1, EventInfo: { RoomId: "r".repeat(65), EventMsTs: 1 } }],
    ["a control character in UserId", { EventGroupId: 1, EventType: 104, CallbackTs: 1, EventInfo: { RoomId: 1, EventMsTs: 1, UserId: "a\u001b[2J" } }],
    ["a lone surrogate in RoomId", { EventGroupId: 1, EventType: 101, CallbackTs: 1, EventInfo: { RoomId: "a\ud800", EventMsTs: 1 } }],
  ];
  it.each(bad)("refuses %s", (_, body) => {
    const raw = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
    expect(checkCallback(raw, signBody(KEY, raw), String(APP), { key: KEY, sdkAppId: APP })).toMatchObject({ ok: false, status: 400 });
  });
});

describe("check order", () => {
  const expected = { key: KEY, sdkAppId: APP };
  const raw = Buffer.from("not a TRTC event");

  it("checks the signature before the SdkAppId, and the SdkAppId before the body", () => {
    expect(checkCallback(raw, "bad", "1", expected)).toMatchObject({ status: 401 });
    expect(checkCallback(raw, signBody(KEY, raw), undefined, expected)).toMatchObject({ status: 403 });
    expect(checkCallback(raw, signBody(KEY, raw), "1400000002", expected)).toMatchObject({ status: 403 });
    expect(checkCallback(raw, signBody(KEY, raw), String(APP), expected)).toMatchObject({ status: 400 });
  });

  it("counts 65,536 bytes as within the limit and 65,537 as over", () => {
    const pad = (n: number) => Buffer.concat([callbackBody({ type: 101, room: 1, ms: 1 }), Buffer.alloc(n)]).subarray(0, n);
    expect(checkCallback(pad(65_537), signedHeaders(pad(65_537)).Sign, String(APP), expected)).toMatchObject({ status: 413 });
    expect(checkCallback(pad(65_536), signedHeaders(pad(65_536)).Sign, String(APP), expected)).toMatchObject({ status: 400 });
  });

  it("never echoes the key in a reason", () => {
    for (const sign of [undefined, "bad"]) {
      const verdict = checkCallback(raw, sign, String(APP), expected);
      expect(JSON.stringify(verdict)).not.toContain(KEY);
    }
  });
});
