import { describe, expect, it } from "vitest";
import { banJson } from "../../src/output/bans.js";
import { safeJson } from "../../src/output/escape.js";
import { roomJson } from "../../src/output/inventory.js";
import { byCodePoint } from "../../src/store/room-reader.js";
import type { Ban, Room } from "../../src/store/types.js";

const ODD = ["", "plain", 'q"uote\\back', "tab\tnl\n", "del\u007f c1\u0085\u009f", "line\u2028sep", "é-😀", "lone\ud800", "~\uff5e", "\u0000"];

function room(i: number): Room {
  const text = ODD[i % ODD.length]!;
  return {
    sdkAppId: 1400000001,
    roomId: i % 2 ? i * 7919 : text,
    roomIdType: i % 2 ? "numeric" : "string",
    live: i % 3 !== 0,
    createdAt: i % 4 ? new Date(i * 1e9).toISOString() : null,
    lastEventAt: new Date(i * 1e9 + 1).toISOString(),
    closedAt: i % 3 ? null : new Date(i * 1e9 + 2).toISOString(),
    members: Array.from({ length: i % 4 }, (_, k) => ({
      userId: ODD[(i + k) % ODD.length]!,
      role: k % 2 ? "audience" : "anchor",
      since: new Date(i * 1e9 + k).toISOString(),
    })),
  };
}

describe("roomJson", () => {
  it("writes every room exactly as safeJson does: all fields, odd characters, nulls, no members and several", () => {
    for (let i = 0; i < 200; i++) {
      const r = room(i);
      expect(roomJson(r)).toBe(safeJson(r));
      expect(JSON.parse(roomJson(r))).toEqual(r);
    }
  });
});

describe("banJson", () => {
  it("writes every ban exactly as safeJson does: all fields, odd characters, all-rooms bans, no reason", () => {
    for (let i = 0; i < 60; i++) {
      const text = ODD[i % ODD.length]!;
      const ban: Ban = {
        sdkAppId: 1400000001,
        roomId: i % 3 === 0 ? null : i % 3 === 1 ? i * 7919 : text,
        roomIdType: i % 3 === 0 ? null : i % 3 === 1 ? "numeric" : "string",
        userId: ODD[(i + 1) % ODD.length]!,
        reason: i % 2 ? null : ODD[(i + 2) % ODD.length]!,
        createdAt: new Date(i * 1e9).toISOString(),
        until: new Date(i * 1e9 + 1).toISOString(),
      };
      expect(banJson(ban)).toBe(safeJson(ban));
      expect(JSON.parse(banJson(ban))).toEqual(ban);
    }
  });
});

describe("byCodePoint", () => {
  it("orders text as the stores do (UTF-8 bytes), where UTF-16 order differs", () => {
    const texts = ["a", "ab", "b", "", "é", "\uff5e", "😀", "\ue000", "\ud7ff", "z😀", "z\uffff", "10", "9"];
    const byBytes = [...texts].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...texts].sort(byCodePoint)).toEqual(byBytes);
    expect([...texts].sort()).not.toEqual(byBytes);
  });
});
