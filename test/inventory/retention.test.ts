import { describe, expect, it } from "vitest";
import type { IncomingEvent } from "../../src/events/types.js";
import type { Query } from "../../src/store/db.js";
import { openLibsql } from "../../src/store/libsql.js";
import { openStore } from "../../src/store/open.js";
import { migrate } from "../../src/store/schema.js";
import { SqlInventory } from "../../src/store/sql-inventory.js";
import type { InventoryStore } from "../../src/store/types.js";
import { APP, notePostgresSkipped, PG_URL, rawSql, STORES, withStore } from "./helpers.js";
import { legacyStore } from "./legacy-store.js";
import { foldEvents } from "./reference-fold.js";
import { event } from "./store-events.js";

const T = Date.parse("2026-11-20T10:00:00.000Z");
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

notePostgresSkipped();

describe.each(STORES)("retention and upgrades: $name", (factory) => {
  describe.skipIf(factory.skip)(factory.skip ? "skipped: set TRTC_TEST_POSTGRES_URL to run" : "same suite for every store", () => {
    it("prune deletes events older than the cutoff, the marks of users gone before it and the rooms closed before it; live rooms, members and bans stay", async () => {
      await withStore(factory, async (store) => {
        await store.append([
          event(101, 1, T - 9 * DAY),
          event(103, 1, T - 9 * DAY, "stays"),
          event(103, 1, T - 9 * DAY, "left"),
          event(104, 1, T - 8 * DAY, "left"),
        ]);
        await store.append([event(103, "s", T - 9 * DAY, "x"), event(102, "s", T - 8 * DAY), event(103, 2, T - DAY, "new")]);
        await store.append([event(103, 3, T - 9 * DAY, "y"), event(102, 3, T - 6 * DAY)]);
        await store.addBans([{ sdkAppId: APP, room: null, userId: "troll", reason: null, untilMs: T + DAY }], T - 9 * DAY);
        const before = { rooms: await store.listRooms(APP, { all: true }, T), bans: await store.listBans(APP, {}, T) };
        expect(before.rooms.map((r) => [r.roomId, r.live, r.members.map((m) => m.userId)])).toEqual([
          [1, true, ["stays"]],
          [2, true, ["new"]],
          [3, false, []],
          ["s", false, []],
        ]);
        expect(await store.prune(APP, T - 7 * DAY, { dryRun: true })).toEqual({ events: 7, departed: 3, closedRooms: 1 });
        expect(await store.listRooms(APP, { all: true }, T)).toEqual(before.rooms);
        expect(await store.prune(APP, T - 7 * DAY)).toEqual({ events: 7, departed: 3, closedRooms: 1 });
        expect(await store.prune(APP, T - 7 * DAY)).toEqual({ events: 0, departed: 0, closedRooms: 0 });
        // Room "s" closed before the cutoff is forgotten; room 3 closed after it stays, as do the live rooms and the ban.
        expect(await store.listRooms(APP, { all: true }, T)).toEqual(before.rooms.filter((r) => r.roomId !== "s"));
        expect(await store.getRoom(APP, { roomIdType: "string", roomId: "s" })).toBeUndefined();
        expect(await store.listBans(APP, {}, T)).toEqual(before.bans);
      });
    });

    it("after a prune, a late event older than the cutoff is kept but never re-opens, changes or brings back a room; newer ones fold exactly", async () => {
      await withStore(factory, async (store) => {
        const room = (roomId: number) => store.getRoom(APP, { roomIdType: "numeric", roomId });
        // Room 1 closed before the cutoff (forgotten), room 2 after it, room 3 live with its latest event before it.
        await store.append([event(103, 1, T - 9 * DAY, "a"), event(102, 1, T - 8 * DAY)]);
        await store.append([event(103, 2, T - 9 * DAY, "a"), event(102, 2, T - 6 * DAY)]);
        await store.append([event(103, 3, T - 9 * DAY, "a")]);
        await store.prune(APP, T - 7 * DAY);
        expect(await room(1)).toBeUndefined();
        const late = [event(103, 1, T - 8 * DAY - 1000, "b"), event(103, 2, T - 8 * DAY, "b"), event(104, 2, T - 9 * DAY + 5, "a")];
        expect(await store.append(late)).toEqual(["stored", "stored", "stored"]);
        expect(await room(1)).toBeUndefined();
        expect(await room(2)).toMatchObject({ live: false, closedAt: iso(T - 6 * DAY), members: [] });
        // In order for its room, an old event folds as it always would: nothing it depends on was pruned.
        await store.append([event(103, 3, T - 7 * DAY - 5, "c")]);
        expect(await room(3)).toMatchObject({ live: true, createdAt: iso(T - 9 * DAY), members: [{ userId: "a" }, { userId: "c" }] });
        await store.append([event(103, 3, T - DAY, "d"), event(104, 3, T - 2 * DAY, "c"), event(103, 3, T - 3 * DAY, "e")]);
        expect((await room(3))?.members.map((m) => [m.userId, m.since])).toEqual([
          ["a", iso(T - 9 * DAY)],
          ["e", iso(T - 3 * DAY)],
          ["d", iso(T - DAY)],
        ]);
      });
    });

    it("a prune cut short after moving its cutoff: an event older than the cutoff does not re-open a closed room it had yet to forget", async () => {
      await withStore(factory, async (store, url) => {
        await store.append([event(103, 1, T - 9 * DAY, "a"), event(102, 1, T - 8 * DAY)]);
        // What a prune leaves when the receiver is killed after its first step (or while it is still deleting events).
        await rawSql(url, `INSERT INTO retention (sdk_app_id, pruned_before_ms) VALUES (${APP}, ${T - 7 * DAY})`);
        await store.append([event(103, 1, T - 7 * DAY - 1000, "b")]);
        expect(await store.getRoom(APP, { roomIdType: "numeric", roomId: 1 })).toMatchObject({ live: false, closedAt: iso(T - 8 * DAY), members: [] });
        expect((await store.prune(APP, T - 7 * DAY)).closedRooms).toBe(1);
        expect(await store.listRooms(APP, { all: true }, T)).toEqual([]);
        // An event at the cutoff is in the window: it opens the room anew.
        await store.append([event(103, 1, T - 7 * DAY, "c")]);
        expect(await store.getRoom(APP, { roomIdType: "numeric", roomId: 1 })).toMatchObject({
          live: true,
          createdAt: iso(T - 7 * DAY),
          members: [{ userId: "c", since: iso(T - 7 * DAY) }],
        });
      });
    });

    it("after a prune, events after the cutoff fold alike in either arrival order: a life begun before the cutoff keeps its creation time", async () => {
      const after = [[event(102, 7, T - DAY)], [event(103, 7, T - 2 * DAY, "b")]];
      for (const arrivals of [after, [...after].reverse()]) {
        await withStore(factory, async (store) => {
          // Room 7 closed once long ago, then lived again from T - 8 days; the prune deletes both closes' evidence.
          await store.append([event(103, 7, T - 9 * DAY, "a"), event(102, 7, T - 9 * DAY + 1000), event(103, 7, T - 8 * DAY, "a")]);
          await store.prune(APP, T - 7 * DAY);
          for (const batch of arrivals) await store.append(batch);
          expect(await store.getRoom(APP, { roomIdType: "numeric", roomId: 7 })).toMatchObject({
            live: false,
            createdAt: iso(T - 8 * DAY),
            closedAt: iso(T - DAY),
            members: [],
          });
        });
      }
    });

    it("the rows kept follow the window, not the receiver's age: short-lived rooms every day, pruned daily with a 7-day window", async () => {
      await withStore(factory, async (store, url) => {
        const rows = async () => {
          const [row] = await rawSql(
            url,
            "SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM rooms) AS rooms, (SELECT COUNT(*) FROM presence) AS presence",
          );
          return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
        };
        const seen: Record<string, number>[] = [];
        for (let day = 1; day <= 21; day++) {
          const start = T + day * DAY;
          const lives = Array.from({ length: 5 }, (_, i) => {
            const [roomId, at] = [day * 100 + i, start + i * 60_000];
            return [event(101, roomId, at), event(103, roomId, at + 1, "u"), event(104, roomId, at + 2, "u"), event(102, roomId, at + 3)];
          });
          await store.append(lives.flat());
          await store.prune(APP, start - 7 * DAY);
          if (day % 7 === 0) seen.push(await rows());
        }
        // Each day adds 5 rooms, 5 users' marks and 20 events; a prune keeps the last 8 days' worth.
        expect(seen).toEqual([
          { events: 140, rooms: 35, presence: 35 },
          { events: 160, rooms: 40, presence: 40 },
          { events: 160, rooms: 40, presence: 40 },
        ]);
      });
    });

    it("a store of schema 1 keeps its rooms and members when upgraded, and late events fold into them exactly", async () => {
      const { url, cleanup } = await factory.fresh();
      try {
        const ins = (type: number, ms: number, user = "", role: string | null = null) =>
          [
            `INSERT INTO events (sdk_app_id, dedupe_key, group_id, event_type, room_type, room_id, user_id, event_ms, role, source, body, received_ms)
             VALUES (?, ?, 1, ?, 'numeric', '5', ?, ?, ?, 'trtc', ?, ?)`,
            [APP, `r|${type}|numeric|5|${user}|${ms}`, type, user, ms, role, Buffer.from("{}"), ms],
          ] as [string, unknown[]];
        await legacyStore(url, [
          ins(101, T),
          ins(103, T + 1, "a", "audience"),
          ins(105, T + 2, "a", "anchor"),
          ins(103, T + 3, "b", "anchor"),
          ins(104, T + 4, "b"),
          ["INSERT INTO rooms VALUES (?, 'numeric', '5', 1, ?, ?, 3, NULL, 1)", [APP, T, T + 4]],
          ["INSERT INTO members VALUES (?, 'numeric', '5', 'a', 'anchor', ?)", [APP, T + 1]],
        ]);
        const store = await openStore(url);
        try {
          const room = { roomIdType: "numeric" as const, roomId: 5 };
          expect(await store.getRoom(APP, room)).toMatchObject({
            live: true,
            createdAt: iso(T),
            members: [{ userId: "a", role: "anchor", since: iso(T + 1) }],
          });
          await store.append([event(104, 5, T + 3, "b"), event(103, 5, T + 6, "c")]);
          await store.append([event(102, 5, T + 5), event(104, 5, T + 2, "a")]);
          const life = [
            { type: 101, userId: "", eventMs: T, role: null },
            { type: 103, userId: "a", eventMs: T + 1, role: "audience" },
            { type: 105, userId: "a", eventMs: T + 2, role: "anchor" },
            { type: 103, userId: "b", eventMs: T + 3, role: "anchor" },
            { type: 104, userId: "b", eventMs: T + 4, role: null },
            { type: 104, userId: "b", eventMs: T + 3, role: null },
            { type: 103, userId: "c", eventMs: T + 6, role: "anchor" },
            { type: 102, userId: "", eventMs: T + 5, role: null },
            { type: 104, userId: "a", eventMs: T + 2, role: null },
          ] as const;
          const want = foldEvents(life.map((e) => ({ ...e })));
          expect(await store.getRoom(APP, room)).toEqual({
            sdkAppId: APP,
            roomId: 5,
            roomIdType: "numeric",
            live: true,
            createdAt: iso(want.createdMs!),
            lastEventAt: iso(want.lastMs),
            closedAt: null,
            members: [...want.members].map(([userId, m]) => ({ userId, role: m.role, since: iso(m.sinceMs) })),
          });
          expect(want.members.size).toBe(1);
        } finally {
          await store.close();
        }
      } finally {
        await cleanup();
      }
    });
  });
});

describe.skipIf(!PG_URL)("retention racing a receiver on one PostgreSQL store", () => {
  const [, postgres] = STORES;
  /** Prunes while an append has folded but not committed (`blocker` holds the coverage row the append writes last). The rooms after both. */
  async function pruneDuringAppend(setup: (store: InventoryStore) => Promise<void>, append: IncomingEvent[]) {
    const { url, cleanup } = await postgres!.fresh();
    const [pruner, receiver] = [await openStore(url), await openStore(url)];
    const { default: pg } = await import("pg");
    const [blocker, watcher] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await blocker.connect();
    await watcher.connect();
    /** The backend that waits on `pid`'s locks, once there is one (undefined if `done` first). */
    const waiterOn = async (pid: number, done = () => false): Promise<number | undefined> => {
      while (!done()) {
        const { rows } = await watcher.query("SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", [pid]);
        if (rows[0]) return rows[0].pid as number;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    try {
      await setup(pruner);
      await blocker.query("UPDATE coverage SET last_ms = 0");
      await blocker.query("BEGIN");
      const { rows } = await blocker.query("SELECT pg_backend_pid() AS pid FROM coverage FOR UPDATE");
      const appended = receiver.append(append);
      const appender = (await waiterOn(rows[0].pid as number))!;
      let prunedAll = false;
      const pruned = pruner.prune(APP, T - 7 * DAY).finally(() => (prunedAll = true));
      // The prune either waits for the append's rows or passes them by; either way the append then commits.
      await waiterOn(appender, () => prunedAll);
      await blocker.query("COMMIT");
      await appended;
      await pruned;
      return await pruner.listRooms(APP, { all: true }, T);
    } finally {
      await Promise.all([blocker.end(), watcher.end(), pruner.close(), receiver.close()]);
      await cleanup();
    }
  }

  it("a prune never deletes a room that a receiver's uncommitted append re-opens", async () => {
    const rooms = await pruneDuringAppend(
      (store) => store.append([event(103, 1, T - 9 * DAY, "a"), event(104, 1, T - 8 * DAY, "a"), event(102, 1, T - 8 * DAY)]).then(() => undefined),
      [event(103, 1, T - DAY, "b")],
    );
    expect(rooms.map((r) => [r.roomId, r.live, r.members.map((m) => m.userId)])).toEqual([[1, true, ["b"]]]);
  });

  it("a prune never deletes the marks of a user whom a receiver's uncommitted append lets back into a live room", async () => {
    const rooms = await pruneDuringAppend(
      (store) => store.append([event(103, 1, T - 9 * DAY, "a"), event(103, 1, T - 9 * DAY, "b"), event(104, 1, T - 8 * DAY, "a")]).then(() => undefined),
      [event(103, 1, T - DAY, "a")],
    );
    expect(rooms.map((r) => [r.roomId, r.live, r.members.map((m) => m.userId)])).toEqual([[1, true, ["b", "a"]]]);
  });
});

describe("retention's cost on the embedded store", () => {
  it("each chunk a prune deletes is found by key: its cost follows the rows deleted, not the rooms and marks kept", async () => {
    const { url, cleanup } = await STORES[0]!.fresh();
    const db = await openLibsql(url);
    const deletes: [string, unknown[]][] = [];
    const recording =
      (q: Query): Query =>
      (sql, args = []) => {
        if (sql.startsWith("DELETE")) deletes.push([sql, args]);
        return q(sql, args);
      };
    const store = new SqlInventory({ ...db, query: recording(db.query), tx: (fn, timeoutMs) => db.tx((q) => fn(recording(q)), timeoutMs) }, "test");
    try {
      await migrate(db);
      await store.append([event(103, 1, T - 9 * DAY, "a"), event(104, 1, T - 9 * DAY, "a"), event(102, 1, T - 8 * DAY), event(103, 2, T - DAY, "b")]);
      expect(await store.prune(APP, T - 7 * DAY)).toEqual({ events: 3, departed: 1, closedRooms: 1 });
      expect(deletes.map(([sql]) => sql.split(" ")[2])).toEqual(["events", "presence", "rooms"]);
      for (const [sql, args] of deletes) {
        const plan = (await db.query(`EXPLAIN QUERY PLAN ${sql}`, args)).map((row) => String(row.detail));
        // The first step reads the table deleted from; the subquery that picks the chunk follows.
        expect(plan[0]).toMatch(/USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      }
    } finally {
      await store.close();
      await cleanup();
    }
  });
});
