import { describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.js";
import type { NewBan } from "../../src/store/types.js";
import { APP, notePostgresSkipped, STORES, withStore } from "../inventory/helpers.js";
import { event } from "../inventory/store-events.js";

notePostgresSkipped();
const T = Date.parse("2026-11-20T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;
const numeric = (roomId: number) => ({ roomIdType: "numeric" as const, roomId });
const string = (roomId: string) => ({ roomIdType: "string" as const, roomId });
const ban = (userId: string, room: NewBan["room"], untilMs: number, reason: string | null = null, sdkAppId = APP): NewBan => ({
  sdkAppId,
  room,
  userId,
  reason,
  untilMs,
});

describe.each(STORES)("bans store: $name", (factory) => {
  describe.skipIf(factory.skip)(factory.skip ? "skipped: set TRTC_TEST_POSTGRES_URL to run" : "same suite for every store", () => {
    it("stores bans in the contract's shape: ISO 8601 UTC, null room for all rooms", async () => {
      await withStore(factory, async (store) => {
        const added = await store.addBans(
          [ban("troll", numeric(3002), T + HOUR, "spam"), ban("troll", null, T + 2 * HOUR), ban("imp", string("lobby"), T + HOUR)],
          T,
        );
        expect(added).toEqual([
          { sdkAppId: APP, roomId: 3002, roomIdType: "numeric", userId: "troll", reason: "spam", createdAt: iso(T), until: iso(T + HOUR) },
          { sdkAppId: APP, roomId: null, roomIdType: null, userId: "troll", reason: null, createdAt: iso(T), until: iso(T + 2 * HOUR) },
          { sdkAppId: APP, roomId: "lobby", roomIdType: "string", userId: "imp", reason: null, createdAt: iso(T), until: iso(T + HOUR) },
        ]);
        expect(await store.listBans(APP, {}, T + 1)).toEqual([added[1], added[2], added[0]].sort((a, b) => (a.userId < b.userId ? -1 : 1)));
        expect(await store.listBans(1400000002, {}, T + 1)).toEqual([]);
      });
    });

    it('a ban\'s room includes its type: numeric 3002 is not string "3002"; an all-rooms ban covers both', async () => {
      await withStore(factory, async (store) => {
        await store.addBans([ban("troll", numeric(3002), T + HOUR)], T);
        expect(await store.activeBanFor(APP, numeric(3002), "troll", T + 1)).toMatchObject({ roomId: 3002, roomIdType: "numeric" });
        expect(await store.activeBanFor(APP, string("3002"), "troll", T + 1)).toBeUndefined();
        expect(await store.activeBanFor(APP, numeric(3003), "troll", T + 1)).toBeUndefined();
        expect(await store.activeBanFor(APP, numeric(3002), "other", T + 1)).toBeUndefined();
        expect(await store.activeBanFor(1400000002, numeric(3002), "troll", T + 1)).toBeUndefined();
        await store.addBans([ban("imp", null, T + HOUR)], T);
        expect(await store.activeBanFor(APP, string("3002"), "imp", T + 1)).toMatchObject({ roomId: null, userId: "imp" });
        expect(await store.activeBanFor(APP, numeric(1), "imp", T + 1)).toMatchObject({ roomId: null });
      });
    });

    it("looks up many entries at once, each answered as activeBanFor would", async () => {
      await withStore(factory, async (store) => {
        await store.addBans(
          [ban("troll", numeric(1), T + HOUR), ban("imp", null, T + HOUR), ban("old", numeric(1), T + 1), ban("troll", numeric(2), T + HOUR, null, 1400000002)],
          T,
        );
        const entries = [
          { sdkAppId: APP, room: numeric(1), userId: "troll" },
          { sdkAppId: APP, room: string("1"), userId: "troll" },
          { sdkAppId: APP, room: string("x"), userId: "imp" },
          { sdkAppId: APP, room: numeric(1), userId: "old" },
          { sdkAppId: 1400000002, room: numeric(2), userId: "troll" },
          { sdkAppId: APP, room: numeric(2), userId: "troll" },
          ...Array.from({ length: 450 }, (_, i) => ({ sdkAppId: APP, room: numeric(1), userId: `u${i}` })),
        ];
        const found = await store.activeBansFor(entries, T + 10);
        expect(found.slice(0, 6).map((b) => b && `${b.sdkAppId}:${b.userId}@${b.roomId}`)).toEqual([
          `${APP}:troll@1`,
          undefined,
          `${APP}:imp@null`,
          undefined,
          "1400000002:troll@2",
          undefined,
        ]);
        expect(found.slice(6).every((b) => b === undefined)).toBe(true);
        for (const [i, e] of entries.slice(0, 6).entries()) expect(await store.activeBanFor(e.sdkAppId, e.room, e.userId, T + 10)).toEqual(found[i]);
      });
    });

    it("an expired ban is not active, and is listed only with --all", async () => {
      await withStore(factory, async (store) => {
        await store.addBans([ban("troll", numeric(1), T + 10_000)], T);
        expect(await store.activeBanFor(APP, numeric(1), "troll", T + 9_999)).toBeDefined();
        expect(await store.activeBanFor(APP, numeric(1), "troll", T + 10_000)).toBeUndefined();
        expect(await store.listBans(APP, {}, T + 10_000)).toEqual([]);
        expect((await store.listBans(APP, { all: true }, T + 10_000)).map((b) => b.userId)).toEqual(["troll"]);
      });
    });

    it("banning again replaces the expiry, shorter or longer, and the reason", async () => {
      await withStore(factory, async (store) => {
        await store.addBans([ban("troll", numeric(1), T + 2 * HOUR, "first")], T);
        await store.addBans([ban("troll", numeric(1), T + 2 * HOUR + HOUR / 2, "second")], T + HOUR);
        expect(await store.listBans(APP, { all: true }, T + HOUR)).toEqual([
          { sdkAppId: APP, roomId: 1, roomIdType: "numeric", userId: "troll", reason: "second", createdAt: iso(T + HOUR), until: iso(T + 2.5 * HOUR) },
        ]);
        await store.addBans([ban("troll", numeric(1), T + HOUR + 10_000)], T + HOUR);
        expect(await store.activeBanFor(APP, numeric(1), "troll", T + HOUR + 20_000)).toBeUndefined();
      });
    });

    it("the latest-ending of a room ban and an all-rooms ban is the one reported", async () => {
      await withStore(factory, async (store) => {
        await store.addBans([ban("troll", numeric(1), T + HOUR), ban("troll", null, T + 3 * HOUR)], T);
        expect(await store.activeBanFor(APP, numeric(1), "troll", T)).toMatchObject({ roomId: null, until: iso(T + 3 * HOUR) });
      });
    });

    it("unban ends the room's ban now (still listed with --all); with no room, every ban of the user", async () => {
      await withStore(factory, async (store) => {
        await store.addBans(
          [ban("troll", numeric(1), T + HOUR), ban("troll", string("1"), T + HOUR), ban("troll", null, T + HOUR), ban("imp", numeric(1), T + HOUR)],
          T,
        );
        const ended = await store.endBans(APP, numeric(1), ["troll", "nobody"], T + 60_000);
        expect(ended).toEqual([{ sdkAppId: APP, roomId: 1, roomIdType: "numeric", userId: "troll", reason: null, createdAt: iso(T), until: iso(T + 60_000) }]);
        expect(await store.endBans(APP, numeric(1), ["troll"], T + 70_000)).toEqual([]);
        expect((await store.listBans(APP, {}, T + 60_000)).map((b) => `${b.userId}@${b.roomIdType}:${b.roomId}`)).toEqual([
          "imp@numeric:1",
          "troll@null:null",
          "troll@string:1",
        ]);
        expect((await store.endBans(APP, null, ["troll"], T + 80_000)).map((b) => b.roomIdType)).toEqual([null, "string"]);
        expect((await store.listBans(APP, {}, T + 80_000)).map((b) => b.userId)).toEqual(["imp"]);
        expect(await store.listBans(APP, { all: true }, T + 80_000)).toHaveLength(4);
      });
    });

    it("finds the live rooms a user is in, for --all-rooms", async () => {
      await withStore(factory, async (store) => {
        await store.append([
          event(103, 12, T, "troll"),
          event(103, 3, T, "troll"),
          event(103, 3, T, "imp"),
          event(103, "3", T, "troll"),
          event(103, 4, T, "troll"),
          event(102, 4, T + 5),
          event(103, 5, T, "bystander"),
        ]);
        expect(await store.liveRoomsOf(APP, ["imp", "troll", "ghost"])).toEqual([
          { room: numeric(3), userIds: ["imp", "troll"] },
          { room: numeric(12), userIds: ["troll"] },
          { room: string("3"), userIds: ["troll"] },
        ]);
        expect(await store.liveRoomsOf(APP, ["ghost"])).toEqual([]);
        expect(await store.liveRoomsOf(1400000002, ["troll"])).toEqual([]);
      });
    });

    it("a store made before bans existed (schema 1) gains them when opened", async () => {
      const { url, cleanup } = await factory.fresh();
      try {
        const first = await openStore(url);
        const db = (first as unknown as { db: { query: (sql: string) => Promise<unknown> } }).db;
        await db.query("DROP TABLE bans");
        await db.query("DELETE FROM schema_version WHERE version >= 2");
        await first.close();
        const again = await openStore(url);
        await again.addBans([ban("troll", null, T + HOUR)], T);
        expect(await again.listBans(APP, {}, T)).toHaveLength(1);
        await again.close();
      } finally {
        await cleanup();
      }
    });
  });
});
