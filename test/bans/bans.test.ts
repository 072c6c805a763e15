import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.js";
import { event } from "../inventory/store-events.js";
import { banFixture } from "./fixture.js";

const fx = banFixture();
const { cli, sent, bans, feed } = fx;

describe("ban --all-rooms", () => {
  it("kicks from every live room the inventory shows the users in, and stores all-rooms bans", async () => {
    const store = await openStore(fx.inventory);
    const T = Date.now() - 60_000;
    await store.append([event(103, 1234, T, "troll"), event(103, 1234, T, "imp"), event(103, "standup", T, "troll"), event(103, 9, T, "ok")]);
    await store.close();
    const r = await cli(["ban", "--all-rooms", "troll", "imp", "ghost", "--for", "1d", "--yes", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ total: 2, done: 2 });
    expect(sent()).toEqual([
      { action: "RemoveUser", roomId: 1234, userIds: ["troll", "imp"] },
      { action: "RemoveUserByStrRoomId", roomId: "standup", userIds: ["troll"] },
    ]);
    expect((await bans()).map((b: { userId: string; roomId: unknown; roomIdType: unknown }) => [b.userId, b.roomId, b.roomIdType])).toEqual([
      ["ghost", null, null],
      ["imp", null, null],
      ["troll", null, null],
    ]);
  });

  it("--dry-run plans a kick per live room and stores nothing", async () => {
    const store = await openStore(fx.inventory);
    await store.append([event(103, 1234, Date.now(), "troll"), event(103, "standup", Date.now(), "troll")]);
    await store.close();
    const r = await cli(["ban", "--all-rooms", "troll", "--for", "1h", "--dry-run", "-o", "ndjson"]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.action ?? "summary")).toEqual(["RemoveUser", "RemoveUserByStrRoomId", "summary"]);
    expect(lines.at(-1).summary).toMatchObject({ total: 2, planned: 2 });
    expect(sent()).toEqual([]);
    expect(await bans()).toEqual([]);
  });

  it("zero rooms is fine: nothing sent, exit 0, the ban stored", async () => {
    await feed();
    const r = await cli(["ban", "--all-rooms", "ghost", "--for", "1h", "--yes", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ results: [], ok: true, summary: { total: 0 } });
    expect(r.stderr).toMatch(/nothing to kick now/);
    expect(sent()).toEqual([]);
    expect(await bans()).toHaveLength(1);
  });
  it("on an inventory that never received a callback: exit 3 naming the store and TRTC_INVENTORY, nothing sent or stored", async () => {
    for (const extra of [["--yes"], ["--dry-run"]]) {
      const r = await cli(["ban", "--all-rooms", "troll", "--for", "1h", ...extra]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`the inventory ${fx.inventory} has never received a callback for SdkAppId`);
      expect(r.stderr).toContain("TRTC_INVENTORY");
    }
    expect(sent()).toEqual([]);
    expect(await bans("--all")).toEqual([]);
    // A ban in one room needs no inventory coverage.
    expect((await cli(["ban", "1234", "troll", "--for", "1h", "--yes"])).code).toBe(0);
  });

  it("without an inventory: exit 3 naming its path, nothing sent, no file created", async () => {
    const r = await cli(["ban", "--all-rooms", "troll", "--for", "1h", "--yes"], { TRTC_INVENTORY: `${fx.inventory}.missing` });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`the inventory ${fx.inventory}.missing does not exist`);
    expect(existsSync(`${fx.inventory.slice("file:".length)}.missing`)).toBe(false);
    expect(sent()).toEqual([]);
  });
});

describe("unban, bans list, bans export", () => {
  it("unban ends a room's ban without --yes or credentials; it stays in --all; export lists active ones", async () => {
    await feed();
    await cli(["ban", "1234", "troll", "imp", "--for", "1h", "--yes"]);
    await cli(["ban", "--all-rooms", "imp", "--for", "1h", "--yes"]);
    const before = fx.emu.requests.length;
    const r = await cli(["unban", "1234", "troll", "nobody", "--json"], { TENCENTCLOUD_SECRET_ID: "", TENCENTCLOUD_SECRET_KEY: "" });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ ok: true, bans: [expect.objectContaining({ userId: "troll", roomId: 1234 })], summary: { count: 1 } });
    expect(r.stderr).toMatch(/nobody had no active ban in numeric room 1234/);
    expect(fx.emu.requests.length).toBe(before);
    expect((await bans()).map((b: { userId: string; roomId: unknown }) => [b.userId, b.roomId])).toEqual([
      ["imp", 1234],
      ["imp", null],
    ]);
    expect(await bans("--all")).toHaveLength(3);
    const exported = JSON.parse((await cli(["bans", "export"])).stdout);
    expect(Object.keys(exported)).toEqual(["bans"]);
    expect(exported.bans).toEqual(await bans());
    expect((await cli(["unban", "--all-rooms", "imp"])).code).toBe(0);
    expect(await bans()).toEqual([]);
    expect(JSON.parse((await cli(["bans", "export"])).stdout)).toEqual({ bans: [] });
  });

  it("bans list in ndjson and pretty", async () => {
    await cli(["ban", "1234", "troll", "--for", "1h", "--reason", "spam", "--yes"]);
    const nd = (await cli(["bans", "list", "-o", "ndjson"])).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(nd).toEqual([expect.objectContaining({ userId: "troll", reason: "spam" }), { summary: { count: 1 } }]);
    const pretty = (await cli(["bans", "list"])).stdout;
    expect(pretty).toMatch(/^USER +ROOM +TYPE +UNTIL \(UTC\) +REASON\ntroll +room 1234 +numeric +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +spam\n1 active ban\n$/);
    expect((await cli(["unban", "1234", "troll"])).stdout).toMatch(/\ntroll +room 1234 .*\n1 ban ended\n$/);
    expect((await cli(["bans", "list"])).stdout).toBe("0 active bans\n");
  });

  it("unban needs a room or --all-rooms, and user ids (exit 2)", async () => {
    expect((await cli(["unban"])).code).toBe(2);
    expect((await cli(["unban", "1234"])).code).toBe(2);
    expect((await cli(["unban", "--all-rooms"])).code).toBe(2);
  });
});
