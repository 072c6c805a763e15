import { describe, expect, it } from "vitest";
import type { IncomingEvent } from "../../src/events/types.js";
import type { RoomKey } from "../../src/plan/types.js";
import { type PlannedRequest, plannedResult, type Status } from "../../src/plan/types.js";
import { liveRoomsFor, RoomCloser } from "../../src/store/live.js";
import { openStore } from "../../src/store/open.js";
import type { Room } from "../../src/store/types.js";
import { APP, notePostgresSkipped, STORES, withStore } from "./helpers.js";
import { foldEvents } from "./reference-fold.js";
import { prng, roomLife, shuffledWithDuplicates } from "./sequences.js";
import { event, incoming } from "./store-events.js";

notePostgresSkipped();
const T = Date.parse("2026-11-20T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const dismissal = (id: number | string): PlannedRequest =>
  typeof id === "number"
    ? { action: "DismissRoom", sdkAppId: APP, room: { roomId: id, roomIdType: "numeric" } }
    : { action: "DismissRoomByStrRoomId", sdkAppId: APP, room: { roomId: id, roomIdType: "string" } };

describe.each(STORES)("inventory store: $name", (factory) => {
  describe.skipIf(factory.skip)(factory.skip ? "skipped: set TRTC_TEST_POSTGRES_URL to run" : "same suite for every store", () => {
    it("stores an event once: a duplicate, in the same batch or a later one, is acknowledged and applied once", async () => {
      await withStore(factory, async (store) => {
        const e = event(103, 1234, T, "alice");
        expect(await store.append([e, e])).toEqual(["stored", "duplicate"]);
        expect(await store.append([e])).toEqual(["duplicate"]);
        expect(await store.append([event(104, 1234, T + 5, "alice"), event(104, 1234, T + 5, "alice")])).toEqual(["stored", "duplicate"]);
        expect((await store.getRoom(APP, { roomIdType: "numeric", roomId: 1234 }))?.members).toEqual([]);
      });
    });

    it("returns rooms in the contract's shape, times as ISO 8601 UTC with milliseconds", async () => {
      await withStore(factory, async (store) => {
        await store.append([
          event(101, "standup", T, "owner"),
          event(103, "standup", T + 1, "carol", "audience"),
          event(103, "standup", T + 2, "dave"),
          event(105, "standup", T + 3, "carol", "anchor"),
        ]);
        const room: Room = {
          sdkAppId: APP,
          roomId: "standup",
          roomIdType: "string",
          live: true,
          createdAt: iso(T),
          lastEventAt: iso(T + 3),
          closedAt: null,
          members: [
            { userId: "carol", role: "anchor", since: iso(T + 1) },
            { userId: "dave", role: "anchor", since: iso(T + 2) },
          ],
        };
        expect(await store.getRoom(APP, { roomIdType: "string", roomId: "standup" })).toEqual(room);
        expect(await store.listRooms(APP, {})).toEqual([room]);
      });
    });

    it('keeps numeric room 7 and string room "7" apart, and other SdkAppIds out', async () => {
      await withStore(factory, async (store) => {
        await store.append([event(103, 7, T, "a"), event(103, "7", T, "b"), incoming(7, { type: 103, userId: "c", eventMs: T, role: "anchor" }, 1400000002)]);
        const rooms = await store.listRooms(APP, {});
        expect(rooms.map((r) => [r.roomId, r.roomIdType, r.members.map((m) => m.userId)])).toEqual([
          [7, "numeric", ["a"]],
          ["7", "string", ["b"]],
        ]);
        expect(await store.getRoom(APP, { roomIdType: "numeric", roomId: 8 })).toBeUndefined();
      });
    });

    it("folds any arrival order, duplicates, batch split and trtc-admin closes to the rooms the events describe (seeded)", async () => {
      const seeds = factory.name === "PostgreSQL" ? 6 : 12;
      await withStore(factory, async (store) => {
        for (let seed = 1; seed <= seeds; seed++) {
          const rand = prng(seed * 7919);
          const rooms: (number | string)[] = [seed * 100 + 1, seed * 100 + 2, String(seed * 100 + 1)];
          const lives = rooms.map((room) => ({ room, life: roomLife(rand, 10 + Math.floor(rand() * 40), T) }));
          // Some dismissals reach the inventory as trtc-admin's own close instead of (or as well as) TRTC's 102.
          type Arrival = { event: IncomingEvent } | { close: RoomKey; at: number };
          const sent: Arrival[] = lives.flatMap(({ room, life }) =>
            life.flatMap((e): Arrival[] => {
              const close = { close: { roomIdType: typeof room === "number" ? ("numeric" as const) : ("string" as const), roomId: room }, at: e.eventMs };
              const r = e.type === 102 ? rand() : 1;
              return r < 0.3 ? [close] : r < 0.5 ? [close, { event: incoming(room, e) }] : [{ event: incoming(room, e) }];
            }),
          );
          const arrivals = shuffledWithDuplicates(rand, sent);
          for (let i = 0; i < arrivals.length; ) {
            const size = 1 + Math.floor(rand() * 12);
            const batch = arrivals.slice(i, i + size);
            await store.append(batch.flatMap((a) => ("event" in a ? [a.event] : [])));
            for (const a of batch) if ("close" in a) await store.closeRooms(APP, [{ room: a.close, atMs: a.at }]);
            i += size;
          }
          for (const { room, life } of lives) {
            const want = foldEvents(life);
            const got = (await store.getRoom(APP, { roomIdType: typeof room === "number" ? "numeric" : "string", roomId: room }))!;
            const members = [...want.members]
              .map(([userId, m]) => ({ userId, role: m.role, since: iso(m.sinceMs) }))
              .sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.userId < b.userId ? -1 : 1));
            expect(got, `seed ${seed} room ${JSON.stringify(room)}`).toEqual({
              sdkAppId: APP,
              roomId: room,
              roomIdType: typeof room === "number" ? "numeric" : "string",
              live: want.live,
              createdAt: want.createdMs === null ? null : iso(want.createdMs),
              lastEventAt: iso(want.lastMs),
              closedAt: want.closedMs === null ? null : iso(want.closedMs),
              members,
            });
          }
        }
      });
    });

    it("filters: live/all, glob, idle, age, empty; combined with AND", async () => {
      await withStore(factory, async (store) => {
        const min = 60_000;
        await store.append([
          event(103, "ci-1-a", T - 120 * min, "u"), // old and idle
          event(103, "ci-1-b", T - 120 * min, "u"),
          event(104, "ci-1-b", T - 1 * min, "u"), // old, recently active, empty
          event(103, "ci-2-a", T - 5 * min, "u"), // young
          event(101, 42, T - 300 * min), // old, idle, empty
          event(103, "gone", T - 10 * min, "u"),
          event(102, "gone", T - 9 * min),
        ]);
        const ids = async (f: Parameters<typeof store.listRooms>[1]) => (await store.listRooms(APP, f, T)).map((r) => r.roomId);
        expect(await ids({})).toEqual([42, "ci-1-a", "ci-1-b", "ci-2-a"]);
        expect(await ids({ all: true })).toEqual([42, "ci-1-a", "ci-1-b", "ci-2-a", "gone"]);
        expect(await ids({ match: "ci-1-*" })).toEqual(["ci-1-a", "ci-1-b"]);
        expect(await ids({ match: "ci-?-[!b]" })).toEqual(["ci-1-a", "ci-2-a"]);
        expect(await ids({ match: "4?" })).toEqual([42]);
        expect(await ids({ idleForMs: 60 * min })).toEqual([42, "ci-1-a"]);
        expect(await ids({ olderThanMs: 60 * min })).toEqual([42, "ci-1-a", "ci-1-b"]);
        expect(await ids({ empty: true })).toEqual([42, "ci-1-b"]);
        expect(await ids({ empty: true, olderThanMs: 60 * min, match: "ci-*" })).toEqual(["ci-1-b"]);
        expect(await ids({ all: true, match: "gone", idleForMs: 5 * min })).toEqual(["gone"]);
      });
    });

    it("a dismissal by trtc-admin closes the room as of when it was sent: a later entry re-opens it, even one stored first", async () => {
      await withStore(factory, async (store) => {
        await store.append([event(103, 1, T, "a"), event(103, 2, T, "b"), event(103, "x", T, "c"), event(103, 3, T, "d")]);
        const closer = new RoomCloser(APP, async () => store, { onlyLive: false, now: () => T + 1000 });
        const rooms: [number | string, Status][] = [
          [1, "done"],
          ["x", "already-gone"],
          [2, "failed"],
          [3, "done"],
        ];
        const requests = (async function* () {
          for (const [id] of rooms) yield dismissal(id);
        })();
        for await (const _ of closer.track(requests));
        // A client re-enters room 3 after its dismissal was sent; that 103 is stored before the run ends.
        await store.append([event(103, 3, T + 1500, "back")]);
        for (const [id, status] of rooms) closer.add({ ...plannedResult(dismissal(id)), status, attempts: 1 });
        expect(await closer.finish(new AbortController().signal)).toEqual({ closed: 3, notClosed: 0, error: undefined });
        expect((await liveRoomsFor(store, APP, {})).map((r) => r.roomId)).toEqual([2, 3]);
        expect(await store.getRoom(APP, { roomIdType: "numeric", roomId: 1 })).toMatchObject({ live: false, closedAt: iso(T + 1000), members: [] });
        expect((await store.getRoom(APP, { roomIdType: "numeric", roomId: 3 }))!.members.map((m) => m.userId)).toEqual(["back"]);
        // TRTC's own 102, arriving after, changes nothing; a late 103 from before the dismissal does not re-open.
        await store.append([event(102, 1, T + 900), event(103, "x", T + 500, "late")]);
        expect((await liveRoomsFor(store, APP, {})).map((r) => r.roomId)).toEqual([2, 3]);
        await store.append([event(103, 1, T + 2000, "back")]);
        expect(await store.getRoom(APP, { roomIdType: "numeric", roomId: 1 })).toMatchObject({ live: true, createdAt: iso(T + 2000), closedAt: null });
      });
    });

    it("pages rooms and bans by key, in the same order on every store: numbers by value, strings by code point, across page boundaries", async () => {
      await withStore(factory, async (store) => {
        const numbers = Array.from({ length: 2100 }, (_, i) => 2100 - i);
        // Case and punctuation sort by code point ("B" < "_" < "a"), whatever the database's collation.
        const strings = ["a", "B", "_x", "ab", "Z9", "z", "a-1", "a.1", "é"];
        const ids: (number | string)[] = [...numbers, ...strings];
        for (let i = 0; i < ids.length; i += 700) await store.append(ids.slice(i, i + 700).map((id, k) => event(103, id, T + i + k, `u${i + k}`)));
        const pages: Room[][] = [];
        for await (const page of store.roomPages(APP, {}, T)) pages.push(page);
        expect(pages.length).toBeGreaterThan(1);
        const sortedStrings = [...strings].sort((a, b) => (a < b ? -1 : 1));
        expect(pages.flat().map((r) => r.roomId)).toEqual([...[...numbers].reverse(), ...sortedStrings]);
        expect(
          pages
            .flat()
            .find((r) => r.roomId === 7)
            ?.members.map((m) => m.userId),
        ).toEqual([`u${ids.indexOf(7)}`]);
        const users = Array.from({ length: 1500 }, (_, i) => `user-${String(i).padStart(4, "0")}`);
        await store.addBans(
          users.map((userId) => ({ sdkAppId: APP, room: null, userId, reason: null, untilMs: T + 3_600_000 })),
          T,
        );
        const banned: string[] = [];
        for await (const page of store.banPages(APP, {}, T)) banned.push(...page.map((b) => b.userId));
        expect(banned).toEqual(users);
      });
    });

    it("keeps other event groups, acknowledged and deduplicated by body, without making rooms", async () => {
      await withStore(factory, async (store) => {
        const raw = Buffer.from(JSON.stringify({ EventGroupId: 2, EventType: 201, CallbackTs: T, EventInfo: { RoomId: 5, UserId: "a" } }));
        const media = { sdkAppId: APP, event: { groupId: 2, type: 201, callbackMs: T }, raw, source: "trtc" as const };
        expect(await store.append([media, media])).toEqual(["stored", "duplicate"]);
        expect(await store.listRooms(APP, { all: true })).toEqual([]);
        expect((await store.coverage(APP))?.since).toMatch(/^\d{4}-\d\d-\d\dT/);
      });
    });

    it("answers ping while open; the schema survives reopening", async () => {
      await withStore(factory, async (store, url) => {
        await store.ping();
        await store.append([event(103, 9, T, "a")]);
        const again = await openStore(url);
        expect((await again.listRooms(APP, {})).map((r) => r.roomId)).toEqual([9]);
        await again.close();
        await expect(again.ping()).rejects.toThrow();
      });
    });
  });
});
