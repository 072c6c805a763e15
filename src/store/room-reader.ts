import type { Role } from "../events/types.js";
import type { RoomIdType, RoomKey } from "../plan/types.js";
import { type Db, num, numOrNull } from "./db.js";
import { compileGlob } from "./glob.js";
import type { Room, RoomFilters, RoomMember } from "./types.js";

const ROOM_COLUMNS = ["room_type", "room_id", "live", "created_ms", "last_ms", "closed_ms"];
const MEMBER_COLUMNS = ["room_type", "room_id", "user_id", "role", "since_ms"];
/** With the members column last when a listing reads members. */
type RoomRow = [string, string, unknown, unknown, unknown, unknown, unknown?];
type MemberRow = [string, string, string, Role, unknown];

const DAY_MS = 86_400_000;
const days = new Map<number, string>();
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** toISOString, with the date part computed once per day: a listing formats 300,000 of these. */
function iso(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let date = days.get(day);
  if (date === undefined) {
    const full = new Date(day * DAY_MS).toISOString();
    days.set(day, (date = full.slice(0, full.indexOf("T") + 1)));
  }
  const t = ms - day * DAY_MS;
  return `${date}${pad(Math.floor(t / 3_600_000), 2)}:${pad(Math.floor(t / 60_000) % 60, 2)}:${pad(Math.floor(t / 1000) % 60, 2)}.${pad(t % 1000, 3)}Z`;
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

function groupMembers(rows: MemberRow[]): Map<string, RoomMember[]> {
  const byRoom = new Map<string, RoomMember[]>();
  for (const [type, id, userId, role, since] of rows) {
    const key = `${type}:${id}`;
    let list = byRoom.get(key);
    if (!list) byRoom.set(key, (list = []));
    list.push({ userId, role, since: iso(num(since)) });
  }
  for (const list of byRoom.values()) list.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.userId < b.userId ? -1 : 1));
  return byRoom;
}

/** Rooms per page: memory stays flat in the number of rooms, and each page costs one indexed range read. */
const PAGE = 2000;

/** What every page of a listing filters on: SQL conditions and their arguments, and the glob. */
interface Pager {
  where: string[];
  args: unknown[];
  match: ((text: string) => boolean) | undefined;
}

/**
 * Each room's members as one JSON array of [userId, role, since_ms], oldest first, read with the room
 * (one indexed lookup per room, no second query): JSON text from SQLite, already parsed by pg.
 */
function membersColumn(dialect: Db["dialect"]): string {
  const same = "m.sdk_app_id = rooms.sdk_app_id AND m.room_type = rooms.room_type AND m.room_id = rooms.room_id";
  return dialect === "postgres"
    ? `(SELECT json_agg(json_build_array(m.user_id, m.role, m.since_ms) ORDER BY m.since_ms, m.user_id COLLATE "C") FROM members m WHERE ${same})`
    : `(SELECT json_group_array(json_array(m.user_id, m.role, m.since_ms) ORDER BY m.since_ms, m.user_id) FROM members m WHERE ${same})`;
}

function parseMembers(cell: unknown): RoomMember[] {
  const list = (typeof cell === "string" ? JSON.parse(cell) : (cell ?? [])) as [string, Role, unknown][];
  return list.map(([userId, role, since]) => ({ userId, role, since: iso(num(since)) }));
}

/** Fetches a page of rooms of one type, with their members unless `--empty` (which needs none). */
async function page(db: Db, sdkAppId: number, p: Pager, type: RoomIdType, keyset: string, keyArgs: unknown[], order: string, withMembers: boolean) {
  const columns = withMembers ? [...ROOM_COLUMNS, membersColumn(db.dialect)] : ROOM_COLUMNS;
  const rest = `FROM rooms WHERE ${[...p.where, "room_type = ?", keyset].join(" AND ")} ORDER BY ${order} LIMIT ${PAGE}`;
  const rows = (await db.selectArrays(columns, rest, [...p.args, type, ...keyArgs])) as RoomRow[];
  const kept = p.match ? rows.filter((r) => p.match!(r[1])) : rows;
  return { last: rows.at(-1)?.[1], full: rows.length === PAGE, rooms: kept.map((r) => toRoom(sdkAppId, r, withMembers ? parseMembers(r[6]) : [])) };
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
