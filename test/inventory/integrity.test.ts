import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCallback } from "../../src/events/check.js";
import { type Receiver, startReceiver } from "../../src/events/receiver.js";
import type { IncomingEvent } from "../../src/events/types.js";
import { openStore } from "../../src/store/open.js";
import { dedupeKey } from "../../src/store/sql-inventory.js";
import type { InventoryStore } from "../../src/store/types.js";
import { APP, callbackBody, KEY, post, STORES, signedHeaders } from "./helpers.js";
import { pick, prng } from "./sequences.js";
import { event } from "./store-events.js";

let receiver: Receiver;
let store: InventoryStore;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const fresh = await STORES[0]!.fresh();
  cleanup = fresh.cleanup;
  store = await openStore(fresh.url);
  const quiet = () => undefined;
  receiver = await startReceiver({
    host: "127.0.0.1",
    port: 0,
    path: "/",
    expected: { key: KEY, sdkAppId: APP },
    sink: store,
    onEvent: quiet,
    onReject: quiet,
    onStoreError: quiet,
  });
});
afterAll(async () => {
  await receiver.close(100);
  await store.close();
  await cleanup();
});

/** A callback body with `bytes` spliced in as the string RoomId's contents, signed as TRTC would sign it. */
function withRawRoomId(bytes: Buffer): Buffer {
  const [before, after] = callbackBody({ type: 103, room: "PLACEHOLDER", user: "u", ms: 1_700_000_000_000 }).toString("latin1").split("PLACEHOLDER") as [
    string,
    string,
  ];
  return Buffer.concat([Buffer.from(before, "latin1"), bytes, Buffer.from(after, "latin1")]);
}

describe("ids are stored faithfully", () => {
  it("invalid UTF-8 in RoomId or UserId is refused with 400, never stored as U+FFFD", async () => {
    for (const bytes of [Buffer.from([0x72, 0xff, 0x31]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80])]) {
      const raw = withRawRoomId(bytes);
      expect(checkCallback(raw, signedHeaders(raw).Sign, String(APP), { key: KEY, sdkAppId: APP })).toMatchObject({
        ok: false,
        status: 400,
        reason: "body is not valid UTF-8",
      });
      expect((await post(receiver.url, raw, signedHeaders(raw))).status).toBe(400);
    }
    // The U+FFFD those bytes would have become is a room of its own, and is accepted as sent.
    const replacement = withRawRoomId(Buffer.from("r\uFFFD1"));
    expect((await post(receiver.url, replacement, signedHeaders(replacement))).status).toBe(200);
    expect((await store.listRooms(APP, {})).map((r) => r.roomId)).toEqual(["r\uFFFD1"]);
  });

  it("room a|b user c and room a user b|c at the same EventMsTs are two events, both applied", async () => {
    const ms = 1_700_000_100_000;
    for (const [room, user] of [
      ["a|b", "c"],
      ["a", "b|c"],
      ['a","b', "c"],
      ["a", 'b","c'],
    ]) {
      const raw = callbackBody({ type: 103, room: room!, user, ms });
      expect(await post(receiver.url, raw, signedHeaders(raw))).toEqual({ status: 200, text: '{"code":0}' });
    }
    for (const [room, user] of [
      ["a|b", "c"],
      ["a", "b|c"],
      ['a","b', "c"],
      ["a", 'b","c'],
    ]) {
      expect(
        (await store.getRoom(APP, { roomIdType: "string", roomId: room! }))?.members.map((m) => m.userId),
        room,
      ).toContain(user);
    }
  });
});

describe("dedupe keys (seeded)", () => {
  it("two different events never share a key, whatever characters their ids hold", () => {
    const rand = prng(4242);
    const alphabet = ["a", "|", '"', "\\", ",", "[", "]", "1", " ", "é", "😀", "\u2028"];
    const text = () => Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(rand, alphabet)).join("");
    const seen = new Map<string, string>();
    for (let i = 0; i < 20_000; i++) {
      const type = pick(rand, [101, 102, 103, 104, 105] as const);
      const room = rand() < 0.3 ? 1 + Math.floor(rand() * 3) : text();
      const e: IncomingEvent = {
        ...event(type, room, 1_700_000_000_000 + Math.floor(rand() * 2), type === 101 || type === 102 ? "" : text()),
        source: rand() < 0.9 ? "trtc" : "trtc-admin",
      };
      const identity = JSON.stringify([e.source, type, typeof room, room, e.event.room!.userId, e.event.room!.eventMs]);
      const key = dedupeKey(e);
      expect(seen.get(key) ?? identity, key).toBe(identity);
      seen.set(key, identity);
    }
    expect(seen.size).toBeGreaterThan(5000);
  });
});
