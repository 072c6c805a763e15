import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.js";
import { openStore } from "../../src/store/open.js";
import { APP, emulator, emulatorEnv, run, seedApp } from "../helpers/inproc.js";
import { STORES } from "../inventory/helpers.js";
import { event } from "../inventory/store-events.js";

let emu: Emulator;
let inventory: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ url: inventory, cleanup } = await STORES[0]!.fresh());
  emu = await emulator({ seed: seedApp({ "1234": ["troll", "imp", "ok"], "3002": ["troll"] }, { standup: ["troll"], "3002": ["troll"] }) });
});
afterEach(async () => {
  await emu.close();
  await cleanup();
});

const env = (extra: Record<string, string | undefined> = {}) => emulatorEnv(emu, { TRTC_INVENTORY: inventory, ...extra });
const cli = (args: string[], extra: Record<string, string | undefined> = {}) => run(args, { env: env(extra) });
const sent = () => emu.requests.map((q) => ({ action: q.action, roomId: q.roomId, userIds: q.userIds }));
const members = () => emu.store.snapshot().apps[0]!;
const bans = async (...args: string[]) => JSON.parse((await cli(["bans", "list", "--json", ...args])).stdout).bans;

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
    expect(b).toEqual({ sdkAppId: APP, roomId: 1234, roomIdType: "numeric", userId: "troll", reason: "spam", createdAt: expect.any(String), until: expect.any(String) });
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
      const r = await cli(["ban", "1234", "troll", "imp", "--for", dur, "--dry-run", "--json"], { TENCENTCLOUD_SECRET_ID: undefined, TENCENTCLOUD_SECRET_KEY: undefined });
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

describe("ban --all-rooms", () => {
  it("kicks from every live room the inventory shows the users in, and stores all-rooms bans", async () => {
    const store = await openStore(inventory);
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

  it("zero rooms is fine: nothing sent, exit 0, the ban stored", async () => {
    const r = await cli(["ban", "--all-rooms", "ghost", "--for", "1h", "--yes", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ results: [], ok: true, summary: { total: 0 } });
    expect(r.stderr).toMatch(/nothing to kick now/);
    expect(sent()).toEqual([]);
    expect(await bans()).toHaveLength(1);
  });
});

describe("unban, bans list, bans export", () => {
  it("unban ends a room's ban without --yes or credentials; it stays in --all; export lists active ones", async () => {
    await cli(["ban", "1234", "troll", "imp", "--for", "1h", "--yes"]);
    await cli(["ban", "--all-rooms", "imp", "--for", "1h", "--yes"]);
    const before = emu.requests.length;
    const r = await cli(["unban", "1234", "troll", "nobody", "--json"], { TENCENTCLOUD_SECRET_ID: "", TENCENTCLOUD_SECRET_KEY: "" });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ ok: true, bans: [expect.objectContaining({ userId: "troll", roomId: 1234 })], summary: { count: 1 } });
    expect(r.stderr).toMatch(/nobody had no active ban in numeric room 1234/);
    expect(emu.requests.length).toBe(before);
    expect((await bans()).map((b: { userId: string; roomId: unknown }) => [b.userId, b.roomId])).toEqual([["imp", 1234], ["imp", null]]);
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
    const nd = (await cli(["bans", "list", "-o", "ndjson"])).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(nd).toEqual([expect.objectContaining({ userId: "troll", reason: "spam" }), { summary: { count: 1 } }]);
    const pretty = (await cli(["bans", "list"])).stdout;
    expect(pretty).toMatch(/^USER +ROOM +TYPE +UNTIL \(UTC\) +REASON\ntroll +room 1234 +numeric +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +spam\n1 active ban\n$/);
  });

  it("unban needs a room or --all-rooms, and user ids (exit 2)", async () => {
    expect((await cli(["unban"])).code).toBe(2);
    expect((await cli(["unban", "1234"])).code).toBe(2);
    expect((await cli(["unban", "--all-rooms"])).code).toBe(2);
  });
});
