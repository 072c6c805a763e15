import type { Role } from "../events/types.js";
import type { RoomIdType, RoomKey } from "../plan/types.js";
import { type Db, num, numOrNull, turn } from "./db.js";
import { compileGlob } from "./glob.js";
import type { Room, RoomFilters, RoomMember } from "./types.js";

const ROOM_COLUMNS = ["room_type", "room_id", "live", "created_ms", "last_ms", "closed_ms"];
const MEMBER_COLUMNS = ["room_type", "room_id", "user_id", "role", "since_ms"];
/** Read as a prefix of longer rows too (a room joined with a member). */
type RoomRow = [string, string, unknown, unknown, unknown, unknown, ...unknown[]];
type MemberRow = [string, string, string, Role, unknown];

const DAY_MS = 86_400_000;
const days = new Map<number, string>();
const digits = (width: number, count: number) => Array.from({ length: count }, (_, n) => String(n).padStart(width, "0"));
const TWO = digits(2, 60);
const THREE = digits(3, 1000);

/** toISOString, with the date part computed once per day and the rest from tables: a listing formats 300,000 of these. */
export function iso(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let date = days.get(day);
  if (date === undefined) {
    const full = new Date(day * DAY_MS).toISOString();
    days.set(day, (date = full.slice(0, full.indexOf("T") + 1)));
  }
  const t = ms - day * DAY_MS;
  const s = Math.floor(t / 1000);
  return `${date}${TWO[Math.floor(s / 3600)]}:${TWO[Math.floor(s / 60) % 60]}:${TWO[s % 60]}.${THREE[t % 1000]}Z`;
}
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

function toRoom(sdkAppId: number, [type, id, live, created, last, closed]: RoomRow, members: RoomMember[]): Room {
  const roomIdType = type as RoomIdType;
  return {
    sdkAppId,
    roomId: roomIdType === "numeric" ? Number(id) : id,
    roomIdType,
    live: num(live) === 1,
    createdAt: isoOrNull(numOrNull(created)),
    lastEventAt: iso(num(last)),
    closedAt: isoOrNull(numOrNull(closed)),
    members,
  };
}

/**
 * Code point order: SQLite's BINARY and PostgreSQL's "C" (UTF-8 byte order). JavaScript's `<` compares
 * UTF-16 units, which differs only between a surrogate and U+E000..U+FFFF.
 */
export function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x += x < 0xe000 ? 0x2000 : -0x800;
      y += y < 0xe000 ? 0x2000 : -0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Oldest first; ties by user id as the stores order text. Members are stored as ms, so `since` strings compare like them. */
const memberOrder = (a: RoomMember, b: RoomMember) => (a.since < b.since ? -1 : a.since > b.since ? 1 : byCodePoint(a.userId, b.userId));

function groupMembers(rows: MemberRow[]): Map<string, RoomMember[]> {
  const byRoom = new Map<string, RoomMember[]>();
  for (const [type, id, userId, role, since] of rows) {
    const key = `${type}:${id}`;
    let list = byRoom.get(key);
    if (!list) byRoom.set(key, (list = []));
    list.push({ userId, role, since: iso(num(since)) });
  }
  for (const list of byRoom.values()) list.sort(memberOrder);
  return byRoom;
}

/**
 * Rooms per page: memory stays flat in the number of rooms, and each page costs one indexed range read.
 * A page's text from SQLite stays under 128 KB for ordinary ids: a larger string goes to V8's
 * large-object space, is promoted whole by any scavenge during the page, and piles up until a full
 * collection (at 2,000 a page, 100,000 rooms peaked at 140 MB and took a third longer; 112 MB at 1,000).
 */
const PAGE = 1000;

/** What every page of a listing filters on: SQL conditions and their arguments, and the glob. */
interface Pager {
  where: string[];
  args: unknown[];
  match: ((text: string) => boolean) | undefined;
}

const JOINED_COLUMNS = [...ROOM_COLUMNS.map((c) => `r.${c}`), "m.user_id", "m.role", "m.since_ms"];
/** A page's rooms each joined with their members (one indexed lookup per room), a row per member, or one with nulls. */
type JoinedRow = [string, string, unknown, unknown, unknown, unknown, string | null, Role | null, unknown];

/**
 * The page's rooms with their members, from rows in any order (the join promises none): rooms in the
 * page's order, members oldest first.
 */
function roomsOf(sdkAppId: number, rows: JoinedRow[]): Room[] {
  const byId = new Map<string, Room>();
  let sorted = true;
  let last = "";
  for (const row of rows) {
    const id = row[1];
    let room = byId.get(id);
    if (!room) {
      byId.set(id, (room = toRoom(sdkAppId, row, [])));
      // Numeric ids in a page all have the same length, so text order is numeric order.
      if (byId.size > 1 && byCodePoint(last, id) > 0) sorted = false;
      last = id;
    }
    if (row[6] !== null) room.members.push({ userId: row[6], role: row[7]!, since: iso(num(row[8])) });
  }
  const rooms = [...byId.values()];
  for (const room of rooms) if (room.members.length > 1) room.members.sort(memberOrder);
  if (!sorted) rooms.sort((a, b) => byCodePoint(String(a.roomId), String(b.roomId)));
  return rooms;
}

/** Fetches a page of rooms of one type, with their members unless `--empty` (which needs none). */
async function page(db: Db, sdkAppId: number, p: Pager, type: RoomIdType, keyset: string, keyArgs: unknown[], order: string, withMembers: boolean) {
  await turn();
  const rest = `FROM rooms WHERE ${[...p.where, "room_type = ?", keyset].join(" AND ")} ORDER BY ${order} LIMIT ${PAGE}`;
  const args = [...p.args, type, ...keyArgs];
  let rooms: Room[];
  if (withMembers) {
    const from = `FROM (SELECT sdk_app_id, ${ROOM_COLUMNS.join(", ")} ${rest}) r LEFT JOIN members m
      ON m.sdk_app_id = r.sdk_app_id AND m.room_type = r.room_type AND m.room_id = r.room_id`;
    rooms = roomsOf(sdkAppId, (await db.selectArrays(JOINED_COLUMNS, from, args)) as JoinedRow[]);
  } else rooms = ((await db.selectArrays(ROOM_COLUMNS, rest, args)) as RoomRow[]).map((r) => toRoom(sdkAppId, r, []));
  const last = rooms.at(-1);
  const kept = p.match ? rooms.filter((r) => p.match!(String(r.roomId))) : rooms;
  return { last: last === undefined ? undefined : String(last.roomId), full: rooms.length === PAGE, rooms: kept };
}

/**
 * The rooms of `rooms list`, a page at a time: numeric rooms first, by number; then string rooms by
 * code point. Keyset pagination on indexed orders (schema.ts), so a page costs the same at any depth:
 * numeric ids (canonical decimals) by length, then text, which is by number; strings by text, under
 * PostgreSQL's "C" collation so both stores agree. Only non-empty pages are yielded.
 */
export async function* roomPages(db: Db, sdkAppId: number, filters: RoomFilters, now: number): AsyncGenerator<Room[]> {
  const p: Pager = { where: ["sdk_app_id = ?"], args: [sdkAppId], match: filters.match === undefined ? undefined : compileGlob(filters.match) };
  if (!filters.all) p.where.push("live = 1");
  if (filters.idleForMs !== undefined) p.where.push("last_ms <= ?"), p.args.push(now - filters.idleForMs);
  if (filters.olderThanMs !== undefined) p.where.push("created_ms <= ?"), p.args.push(now - filters.olderThanMs);
  if (filters.empty) p.where.push("member_count = 0");
  // One primary-key probe of presence per room (the members view is presence rows with a since_ms).
  if (filters.member !== undefined)
    p.where.push(
      "EXISTS (SELECT 1 FROM members m WHERE m.sdk_app_id = rooms.sdk_app_id AND m.room_type = rooms.room_type AND m.room_id = rooms.room_id AND m.user_id = ?)",
    ),
      p.args.push(filters.member);
  const withMembers = !filters.empty;
  // Numeric rooms, one id length at a time (the next length found by an index seek).
  let length = 0;
  for (;;) {
    const next = await db.query("SELECT MIN(length(room_id)) AS n FROM rooms WHERE sdk_app_id = ? AND room_type = 'numeric' AND length(room_id) > ?", [
      sdkAppId,
      length,
    ]);
    if (next[0]?.n === null || next[0]?.n === undefined) break;
    length = Number(next[0].n);
    let after = "";
    for (;;) {
      const got = await page(db, sdkAppId, p, "numeric", "length(room_id) = ? AND room_id > ?", [length, after], "room_id", withMembers);
      if (got.rooms.length > 0) yield got.rooms;
      if (!got.full) break;
      after = got.last!;
    }
  }
  const text = db.dialect === "postgres" ? 'room_id COLLATE "C"' : "room_id";
  let after = "";
  for (;;) {
    const got = await page(db, sdkAppId, p, "string", `${text} > ?`, [after], text, withMembers);
    if (got.rooms.length > 0) yield got.rooms;
    if (!got.full) break;
    after = got.last!;
  }
}

/** Every room of `roomPages` at once: for callers that need the whole selection (dismiss --live). */
export async function listRooms(db: Db, sdkAppId: number, filters: RoomFilters, now: number): Promise<Room[]> {
  const rooms: Room[] = [];
  for await (const chunk of roomPages(db, sdkAppId, filters, now)) rooms.push(...chunk);
  return rooms;
}

export async function getRoom(db: Db, sdkAppId: number, key: RoomKey): Promise<Room | undefined> {
  const args = [sdkAppId, key.roomIdType, String(key.roomId)];
  const where = "WHERE sdk_app_id = ? AND room_type = ? AND room_id = ?";
  const [row] = (await db.selectArrays(ROOM_COLUMNS, `FROM rooms ${where}`, args)) as RoomRow[];
  if (!row) return undefined;
  const members = (await db.selectArrays(MEMBER_COLUMNS, `FROM members ${where}`, args)) as MemberRow[];
  return toRoom(sdkAppId, row, groupMembers(members).get(`${key.roomIdType}:${key.roomId}`) ?? []);
}
