import type { RoomIdType, RoomKey } from "../plan/types.js";
import { type Db, num, type Query, type Row, turn } from "./db.js";
import { iso } from "./room-reader.js";
import type { Ban, BanQuery, NewBan } from "./types.js";

/** An all-rooms ban is stored with room type and id ''. */
const ALL = "";
const COLUMNS = "sdk_app_id, room_type, room_id, user_id, reason, created_ms, until_ms";
const COLUMN_LIST = COLUMNS.split(", ");
const ORDER = "ORDER BY created_ms, user_id, room_type, room_id";

function toBan(row: Row): Ban {
  const type = String(row.room_type);
  const roomIdType = type === ALL ? null : (type as RoomIdType);
  const id = String(row.room_id);
  return {
    sdkAppId: num(row.sdk_app_id),
    roomId: roomIdType === null ? null : roomIdType === "numeric" ? Number(id) : id,
    roomIdType,
    userId: String(row.user_id),
    reason: row.reason === null || row.reason === undefined ? null : String(row.reason),
    createdAt: iso(num(row.created_ms)),
    until: iso(num(row.until_ms)),
  };
}

const roomCells = (room: RoomKey | null) => (room ? [room.roomIdType, String(room.roomId)] : [ALL, ALL]);

/** Stores bans; banning a user in a room again replaces the earlier ban (reason, start and expiry). */
export async function addBans(db: Db, bans: NewBan[], nowMs: number): Promise<Ban[]> {
  return db.tx(async (q) => {
    const out: Ban[] = [];
    for (const b of bans) {
      const rows = await q(
        `INSERT INTO bans (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sdk_app_id, user_id, room_type, room_id) DO UPDATE SET reason = excluded.reason, created_ms = excluded.created_ms, until_ms = excluded.until_ms
         RETURNING ${COLUMNS}`,
        [b.sdkAppId, ...roomCells(b.room), b.userId, b.reason, nowMs, b.untilMs],
      );
      out.push(toBan(rows[0]!));
    }
    return out;
  });
}

/**
 * Ends the users' active bans in one room, or with `room` null every ban of theirs (all-rooms and
 * per-room): each expires now, so `bans list --all` still shows it. Returns the bans ended.
 */
export async function endBans(db: Db, sdkAppId: number, room: RoomKey | null, userIds: string[], nowMs: number): Promise<Ban[]> {
  if (userIds.length === 0) return [];
  return db.tx(async (q: Query) => {
    const args: unknown[] = [nowMs, sdkAppId, nowMs, ...userIds];
    let where = `sdk_app_id = ? AND until_ms > ? AND user_id IN (${userIds.map(() => "?").join(", ")})`;
    if (room) (where += " AND room_type = ? AND room_id = ?"), args.push(...roomCells(room));
    return (await q(`UPDATE bans SET until_ms = ? WHERE ${where} RETURNING ${COLUMNS}`, args)).map(toBan).sort(byCreation);
  });
}

/** ORDER's order, for rows that RETURNING leaves unordered. */
const sortKey = (b: Ban) => [b.createdAt, b.userId, b.roomIdType ?? ALL, String(b.roomId ?? ALL)].join("\u0000");
const byCreation = (a: Ban, b: Ban) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0);

const PAGE = 1000;

/**
 * Bans of an SdkAppId in the order they were made, a page at a time: active ones, or with `all`
 * expired and ended ones too. Keyset pagination on that order (indexed), so memory stays flat.
 */
export async function* banPages(db: Db, sdkAppId: number, all: boolean, nowMs: number): AsyncGenerator<Ban[]> {
  const active = all ? "" : " AND until_ms > ?";
  let after: unknown[] | undefined;
  for (;;) {
    const keyset = after ? " AND (created_ms, user_id, room_type, room_id) > (?, ?, ?, ?)" : "";
    const args = [sdkAppId, ...(all ? [] : [nowMs]), ...(after ?? [])];
    await turn();
    // Arrays, not the driver's row objects (see Db.selectArrays), then named as the other readers expect.
    const cells = await db.selectArrays(COLUMN_LIST, `FROM bans WHERE sdk_app_id = ?${active}${keyset} ${ORDER} LIMIT ${PAGE}`, args);
    const rows = cells.map(
      ([sdk_app_id, room_type, room_id, user_id, reason, created_ms, until_ms]): Row => ({
        sdk_app_id,
        room_type,
        room_id,
        user_id,
        reason,
        created_ms,
        until_ms,
      }),
    );
    if (rows.length > 0) yield rows.map(toBan);
    if (rows.length < PAGE) return;
    const last = rows.at(-1)!;
    after = [last.created_ms, last.user_id, last.room_type, last.room_id];
  }
}

/** Every ban of `banPages` at once. */
export async function listBans(db: Db, sdkAppId: number, all: boolean, nowMs: number): Promise<Ban[]> {
  const bans: Ban[] = [];
  for await (const chunk of banPages(db, sdkAppId, all, nowMs)) bans.push(...chunk);
  return bans;
}

const ROWS_PER_STATEMENT = 400;

/**
 * For each entry, the ban that keeps that user out of that room now: one on that room (of that
 * type) or an all-rooms ban, the latest-ending. One statement per SdkAppId and 400 entries, so a
 * receiver under load checks a whole batch of entries at the cost of one.
 */
export async function activeBansFor(db: Db, entries: BanQuery[], nowMs: number): Promise<(Ban | undefined)[]> {
  const found = new Map<string, Ban[]>();
  const key = (sdkAppId: number, userId: string) => `${sdkAppId}|${userId}`;
  for (const sdkAppId of new Set(entries.map((e) => e.sdkAppId))) {
    const users = [...new Set(entries.filter((e) => e.sdkAppId === sdkAppId).map((e) => e.userId))];
    for (let i = 0; i < users.length; i += ROWS_PER_STATEMENT) {
      const chunk = users.slice(i, i + ROWS_PER_STATEMENT);
      const rows = await db.query(`SELECT ${COLUMNS} FROM bans WHERE sdk_app_id = ? AND until_ms > ? AND user_id IN (${chunk.map(() => "?").join(", ")})`, [
        sdkAppId,
        nowMs,
        ...chunk,
      ]);
      for (const ban of rows.map(toBan)) found.set(key(sdkAppId, ban.userId), [...(found.get(key(sdkAppId, ban.userId)) ?? []), ban]);
    }
  }
  return entries.map((e) => {
    const covering = (found.get(key(e.sdkAppId, e.userId)) ?? []).filter(
      (b) => b.roomIdType === null || (b.roomIdType === e.room.roomIdType && b.roomId === e.room.roomId),
    );
    return covering.sort((a, b) => (a.until < b.until ? 1 : a.until > b.until ? -1 : 0))[0];
  });
}

/** The live rooms the inventory shows these users in, and which of them is in each: what `ban --all-rooms` kicks from. */
export async function liveRoomsOf(db: Db, sdkAppId: number, userIds: string[]): Promise<{ room: RoomKey; userIds: string[] }[]> {
  if (userIds.length === 0) return [];
  const rows = await db.query(
    `SELECT m.room_type, m.room_id, m.user_id FROM members m JOIN rooms r ON r.sdk_app_id = m.sdk_app_id AND r.room_type = m.room_type AND r.room_id = m.room_id
     WHERE m.sdk_app_id = ? AND r.live = 1 AND m.user_id IN (${userIds.map(() => "?").join(", ")}) ORDER BY m.room_type, m.room_id`,
    [sdkAppId, ...userIds],
  );
  const rooms = new Map<string, { room: RoomKey; userIds: string[] }>();
  for (const row of rows) {
    const type = String(row.room_type) as RoomIdType;
    const key = `${type}|${String(row.room_id)}`;
    if (!rooms.has(key)) rooms.set(key, { room: { roomIdType: type, roomId: type === "numeric" ? Number(row.room_id) : String(row.room_id) }, userIds: [] });
    rooms.get(key)!.userIds.push(String(row.user_id));
  }
  // Kicked in the order the users were given; numeric rooms first, by number.
  for (const r of rooms.values()) r.userIds.sort((a, b) => userIds.indexOf(a) - userIds.indexOf(b));
  const numeric = (r: { room: RoomKey }) => (r.room.roomIdType === "numeric" ? (r.room.roomId as number) : Number.POSITIVE_INFINITY);
  return [...rooms.values()].sort((a, b) => numeric(a) - numeric(b));
}
