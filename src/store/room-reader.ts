import type { Role } from "../events/types.js";
import type { RoomIdType } from "../plan/types.js";
import { type Db, num, numOrNull } from "./db.js";
import { compileGlob } from "./glob.js";
import type { Room, RoomFilters, RoomKey, RoomMember } from "./types.js";

const ROOM_COLUMNS = ["room_type", "room_id", "live", "created_ms", "last_ms", "closed_ms"];
const MEMBER_COLUMNS = ["room_type", "room_id", "user_id", "role", "since_ms"];
type RoomRow = [string, string, unknown, unknown, unknown, unknown];
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

/** Numeric rooms first, by number; then string rooms by code unit. */
function byRoomId(a: Room, b: Room): number {
  if (a.roomIdType !== b.roomIdType) return a.roomIdType === "numeric" ? -1 : 1;
  return a.roomIdType === "numeric" ? (a.roomId as number) - (b.roomId as number) : a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0;
}

export async function listRooms(db: Db, sdkAppId: number, filters: RoomFilters, now: number): Promise<Room[]> {
  const where = ["sdk_app_id = ?"];
  const args: unknown[] = [sdkAppId];
  if (!filters.all) where.push("live = 1");
  if (filters.idleForMs !== undefined) where.push("last_ms <= ?"), args.push(now - filters.idleForMs);
  if (filters.olderThanMs !== undefined) where.push("created_ms <= ?"), args.push(now - filters.olderThanMs);
  if (filters.empty) where.push("member_count = 0");
  const match = filters.match === undefined ? undefined : compileGlob(filters.match);
  const rows = ((await db.selectArrays(ROOM_COLUMNS, `FROM rooms WHERE ${where.join(" AND ")}`, args)) as RoomRow[]).filter((r) => !match || match(r[1]));
  // Members exist only in live rooms, so one read of the app's members serves any filter.
  const members =
    filters.empty || rows.length === 0
      ? new Map<string, RoomMember[]>()
      : groupMembers((await db.selectArrays(MEMBER_COLUMNS, "FROM members WHERE sdk_app_id = ?", [sdkAppId])) as MemberRow[]);
  return rows.map((r) => toRoom(sdkAppId, r, members.get(`${r[0]}:${r[1]}`) ?? [])).sort(byRoomId);
}

export async function getRoom(db: Db, sdkAppId: number, key: RoomKey): Promise<Room | undefined> {
  const args = [sdkAppId, key.roomIdType, String(key.roomId)];
  const where = "WHERE sdk_app_id = ? AND room_type = ? AND room_id = ?";
  const [row] = (await db.selectArrays(ROOM_COLUMNS, `FROM rooms ${where}`, args)) as RoomRow[];
  if (!row) return undefined;
  const members = (await db.selectArrays(MEMBER_COLUMNS, `FROM members ${where}`, args)) as MemberRow[];
  return toRoom(sdkAppId, row, groupMembers(members).get(`${key.roomIdType}:${key.roomId}`) ?? []);
}
