import { describe, expect, it } from "vitest";
import { APP } from "../helpers/inproc.js";
import { banFixture } from "./fixture.js";

const { cli, sent, members, bans } = banFixture();

describe("ban", () => {
  it("kicks now like kick, and stores the ban with its expiry and reason", async () => {
    const before = Date.now();
    const r = await cli(["ban", "1234", "troll", "--for", "2h", "--reason", "spam", "--yes", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results).toEqual([expect.objectContaining({ action: "RemoveUser", roomId: 1234, roomIdType: "numeric", userIds: ["troll"], status: "done" })]);
    expect(out.ok).toBe(true);
    expect(r.stderr).toMatch(/banned troll from room 1234 until /);
    expect(members().rooms?.["1234"]).toEqual(["imp", "ok"]);
    const [b] = await bans();
    expect(b).toEqual({
      sdkAppId: APP,
      roomId: 1234,
      roomIdType: "numeric",
      userId: "troll",
      reason: "spam",
      createdAt: expect.any(String),
      until: expect.any(String),
    });
    expect(Date.parse(b.until) - Date.parse(b.createdAt)).toBe(7_200_000);
    expect(Date.parse(b.createdAt)).toBeGreaterThanOrEqual(before - 1);
  });

  it("types the room as kick does: --str-room 3002 is the string room, with its own action and ban", async () => {
    const r = await cli(["ban", "--str-room", "3002", "troll", "--for", "10s", "--yes", "-o", "ndjson"]);
    expect(r.code).toBe(0);
    expect(sent()).toEqual([{ action: "RemoveUserByStrRoomId", roomId: "3002", userIds: ["troll"] }]);
    expect((await bans()).map((b: { roomId: unknown; roomIdType: string }) => [b.roomId, b.roomIdType])).toEqual([["3002", "string"]]);
    expect(members().rooms?.["3002"]).toEqual(["troll"]);
  });

  it.each([["9s"], ["8d"], ["2w"], ["1.5h"], ["90"], [""]])("--for %j is refused (exit 2), nothing stored or sent", async (dur) => {
    const r = await cli(["ban", "1234", "troll", "--for", dur, "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--for/);
    expect(sent()).toEqual([]);
    expect(await bans()).toEqual([]);
  });

  it.each([
    [["ban", "1234", "troll", "--yes"], /--for is required/],
    [["ban", "1234", "--for", "1h", "--yes"], /no user ids given/],
    [["ban", "1234", "bad id", "--for", "1h", "--yes"], /invalid user id/],
    [["ban", "1234", "troll", "--for", "1h"], /--yes is required when not running interactively/],
    [["ban", "--all-rooms", "--str-room", "troll", "--for", "1h", "--yes"], /cannot be used with/],
    [["ban", "1234", "troll", "--for", "1h", "--reason", "x".repeat(201), "--yes"], /--reason/],
  ])("%j is a usage error (exit 2), nothing stored or sent", async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(sent()).toEqual([]);
    expect(await bans()).toEqual([]);
  });

  it("--dry-run plans the kick, stores nothing and needs no credentials", async () => {
    for (const dur of ["10s", "7d"]) {
      const r = await cli(["ban", "1234", "troll", "imp", "--for", dur, "--dry-run", "--json"], {
        TENCENTCLOUD_SECRET_ID: undefined,
        TENCENTCLOUD_SECRET_KEY: undefined,
      });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).results).toEqual([expect.objectContaining({ action: "RemoveUser", userIds: ["troll", "imp"], status: "planned" })]);
    }
    expect(sent()).toEqual([]);
    expect(await bans()).toEqual([]);
  });

  it("without credentials: exit 3 and no ban stored", async () => {
    const r = await cli(["ban", "1234", "troll", "--for", "1h", "--yes"], { TENCENTCLOUD_SECRET_ID: "", TENCENTCLOUD_SECRET_KEY: "" });
    expect(r.code).toBe(3);
    expect(await bans()).toEqual([]);
  });

  it("a room that is not live fails the kick (exit 1) but the ban holds; --ignore-missing makes it already-gone", async () => {
    expect((await cli(["ban", "777", "troll", "--for", "1h", "--yes"])).code).toBe(1);
    const r = await cli(["ban", "777", "imp", "--for", "1h", "--yes", "--ignore-missing", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0].status).toBe("already-gone");
    expect((await bans()).map((b: { userId: string }) => b.userId)).toEqual(["troll", "imp"]);
  });

  it("banning again replaces the expiry", async () => {
    await cli(["ban", "1234", "troll", "--for", "7d", "--yes", "--ignore-missing"]);
    await cli(["ban", "1234", "troll", "--for", "1m", "--yes", "--ignore-missing"]);
    const all = await bans("--all");
    expect(all).toHaveLength(1);
    expect(Date.parse(all[0].until) - Date.parse(all[0].createdAt)).toBe(60_000);
  });
});
