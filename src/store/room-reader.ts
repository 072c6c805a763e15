import type { Role } from "../events/types.js";
import type { RoomIdType } from "../plan/types.js";
import { num, numOrNull, type Query, type Row } from "./db.js";
import { globToRegExp } from "./filters.js";
import type { Room, RoomFilters, RoomKey, RoomMember } from "./types.js";

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const keyOf = (type: unknown, id: unknown) => `${String(type)}:${String(id)}`;

function toRoom(sdkAppId: number, row: Row, members: RoomMember[]): Room {
  const roomIdType = row.room_type as RoomIdType;
  return {
    sdkAppId,
    roomId: roomIdType === "numeric" ? Number(row.room_id) : String(row.room_id),
    roomIdType,
    live: num(row.live) === 1,
    createdAt: isoOrNull(numOrNull(row.created_ms)),
    lastEventAt: iso(num(row.last_ms)),
    closedAt: isoOrNull(numOrNull(row.closed_ms)),
    members,
  };
}

function groupMembers(rows: Row[]): Map<string, RoomMember[]> {
  const byRoom = new Map<string, RoomMember[]>();
  for (const r of rows) {
    const key = keyOf(r.room_type, r.room_id);
    let list = byRoom.get(key);
    if (!list) byRoom.set(key, (list = []));
    list.push({ userId: String(r.user_id), role: r.role as Role, since: iso(num(r.since_ms)) });
  }
  for (const list of byRoom.values()) list.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.userId < b.userId ? -1 : 1));
  return byRoom;
}

/** Numeric rooms first, by number; then string rooms by code unit. */
function byRoomId(a: Room, b: Room): number {
  if (a.roomIdType !== b.roomIdType) return a.roomIdType === "numeric" ? -1 : 1;
  return a.roomIdType === "numeric" ? (a.roomId as number) - (b.roomId as number) : a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0;
}

const COLUMNS = "room_type, room_id, live, created_ms, last_ms, closed_ms";

export async function listRooms(q: Query, sdkAppId: number, filters: RoomFilters, now: number): Promise<Room[]> {
  const where = ["sdk_app_id = ?"];
  const args: unknown[] = [sdkAppId];
  if (!filters.all) where.push("live = 1");
  if (filters.idleForMs !== undefined) (where.push("last_ms <= ?"), args.push(now - filters.idleForMs));
  if (filters.olderThanMs !== undefined) (where.push("created_ms <= ?"), args.push(now - filters.olderThanMs));
  if (filters.empty) where.push("member_count = 0");
  const match = filters.match === undefined ? undefined : globToRegExp(filters.match);
  const rows = (await q(`SELECT ${COLUMNS} FROM rooms WHERE ${where.join(" AND ")}`, args)).filter((r) => !match || match.test(String(r.room_id)));
  const members = filters.empty || rows.length === 0 ? new Map<string, RoomMember[]>() : groupMembers(await q("SELECT room_type, room_id, user_id, role, since_ms FROM members WHERE sdk_app_id = ?", [sdkAppId]));
  return rows.map((r) => toRoom(sdkAppId, r, members.get(keyOf(r.room_type, r.room_id)) ?? [])).sort(byRoomId);
}

export async function getRoom(q: Query, sdkAppId: number, key: RoomKey): Promise<Room | undefined> {
  const where = [sdkAppId, key.roomIdType, String(key.roomId)];
  const row = (await q(`SELECT ${COLUMNS} FROM rooms WHERE sdk_app_id = ? AND room_type = ? AND room_id = ?`, where))[0];
  if (!row) return undefined;
  const members = await q("SELECT room_type, room_id, user_id, role, since_ms FROM members WHERE sdk_app_id = ? AND room_type = ? AND room_id = ?", where);
  return toRoom(sdkAppId, row, groupMembers(members).get(keyOf(key.roomIdType, key.roomId)) ?? []);
}
