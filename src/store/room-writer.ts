import { type FoldEvent, needsMembers, type RoomLog, type RoomMarks, rankOf, type Settled, settleRoom, type UserMarks } from "../events/fold.js";
import type { Role } from "../events/types.js";
import { num, numOrNull, type Query, type Row } from "./db.js";
import { type AppRoom, multiRow, perRooms } from "./sql-batch.js";

export interface PendingRoom {
  ref: AppRoom;
  events: FoldEvent[];
}

interface Write {
  ref: AppRoom;
  settled: Settled;
}

const ROOM_COLUMNS = "sdk_app_id, room_type, room_id, live, created_ms, last_ms, last_rank, closed_ms, member_count, open_ms, close_ms, close_before_open_ms";
const USER_COLUMNS = "sdk_app_id, room_type, room_id, user_id, enter_ms, leave_ms, role, role_ms, role_rank, since_ms";

const keyOf = (sdkAppId: unknown, type: unknown, id: unknown) => `${String(sdkAppId)}|${String(type)}|${String(id)}`;
const refKey = (r: AppRoom) => keyOf(r.sdkAppId, r.roomIdType, r.roomId);

function roomFrom(row: Row): RoomMarks {
  return {
    live: num(row.live) === 1,
    createdMs: numOrNull(row.created_ms),
    closedMs: numOrNull(row.closed_ms),
    lastMs: num(row.last_ms),
    lastRank: num(row.last_rank),
    memberCount: num(row.member_count),
    openMs: numOrNull(row.open_ms),
    closeMs: numOrNull(row.close_ms),
    closeBeforeOpenMs: numOrNull(row.close_before_open_ms),
  };
}

function userFrom(row: Row): UserMarks {
  return {
    enterMs: numOrNull(row.enter_ms),
    leaveMs: numOrNull(row.leave_ms),
    role: (row.role as Role | null) ?? null,
    roleMs: numOrNull(row.role_ms),
    roleRank: num(row.role_rank),
    sinceMs: numOrNull(row.since_ms),
  };
}

/** One index probe each, on the room's stored events at or after the horizon (older ones were not folded). */
function roomLog(q: Query, r: AppRoom, horizonMs: number): RoomLog {
  const room = "sdk_app_id = ? AND room_type = ? AND room_id = ? AND event_ms >= ?";
  const args = [r.sdkAppId, r.roomIdType, String(r.roomId), horizonMs];
  const one = async (sql: string, extra: unknown[]) => numOrNull((await q(sql, [...args, ...extra]))[0]?.v);
  return {
    latestCloseBefore: (ms) => one(`SELECT MAX(event_ms) AS v FROM events WHERE ${room} AND event_type = 102 AND event_ms < ?`, [ms]),
    firstOpenAfter: async (ms) =>
      minOf(
        await one(`SELECT MIN(event_ms) AS v FROM events WHERE ${room} AND event_type = 101 AND event_ms > ?`, [ms ?? -1]),
        await one(`SELECT MIN(event_ms) AS v FROM events WHERE ${room} AND event_type = 103 AND event_ms > ?`, [ms ?? -1]),
      ),
    firstEnterAfter: (userId, ms) =>
      one(`SELECT MIN(event_ms) AS v FROM events WHERE ${room} AND user_id = ? AND event_type = 103 AND event_ms > ?`, [userId, ms ?? -1]),
  };
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));

/**
 * Late events older than the horizon (what retention keeps) are stored but not folded: they never
 * re-open or change a room. Nor do they create one: the room may be one closed before the horizon,
 * which retention forgot.
 */
function foldable(stored: RoomMarks | undefined, events: FoldEvent[], horizonMs: number): FoldEvent[] {
  if (!stored) return events.filter((e) => e.eventMs >= horizonMs);
  return events.filter((e) => e.eventMs >= horizonMs || e.eventMs > stored.lastMs || (e.eventMs === stored.lastMs && rankOf(e.type) >= stored.lastRank));
}

const isLate = (stored: RoomMarks | undefined, events: FoldEvent[]) =>
  stored !== undefined && events.some((e) => e.eventMs < stored.lastMs || (e.eventMs === stored.lastMs && rankOf(e.type) < stored.lastRank));

/**
 * Folds the newly stored events of many rooms with a handful of statements, whatever the batch
 * size, and at a cost that does not grow with a room's history: rooms and users keep the latest
 * times that decide them (see events/fold.ts), so a late event needs a few index probes, never the log.
 */
export async function foldRooms(q: Query, rooms: PendingRoom[], horizonOf: (sdkAppId: number) => Promise<number>): Promise<void> {
  const refs = rooms.map((r) => r.ref);
  const horizons = new Map<number, Promise<number>>();
  const horizon = (sdkAppId: number) => horizons.get(sdkAppId) ?? horizons.set(sdkAppId, horizonOf(sdkAppId)).get(sdkAppId)!;
  const stored = new Map<string, RoomMarks>();
  for (const row of await perRooms(q, refs, (c) => `SELECT ${ROOM_COLUMNS} FROM rooms WHERE ${c}`)) {
    const marks = roomFrom(row);
    // Closed before the horizon: a room retention forgets (a prune still running, or cut short, has yet to), so not held.
    if (!marks.live && marks.lastMs < (await horizon(num(row.sdk_app_id)))) continue;
    stored.set(keyOf(row.sdk_app_id, row.room_type, row.room_id), marks);
  }
  const touched = new Map(rooms.map((r) => [refKey(r.ref), [...new Set(r.events.map((e) => e.userId).filter((u) => u !== ""))]]));
  const userRows = await perRooms(
    q,
    refs.filter((r) => stored.has(refKey(r))),
    (c) => `SELECT ${USER_COLUMNS} FROM presence WHERE ${c}`,
    (r) => touched.get(refKey(r))!,
  );
  // A late 102 re-judges every member: a cost bounded by the room's members, not its history.
  const wholeRooms = rooms.filter((r) => needsMembers(stored.get(refKey(r.ref)), r.events)).map((r) => r.ref);
  userRows.push(...(await perRooms(q, wholeRooms, (c) => `SELECT ${USER_COLUMNS} FROM presence WHERE since_ms IS NOT NULL AND ${c}`)));
  const users = new Map<string, Map<string, UserMarks>>();
  for (const row of userRows) {
    const k = keyOf(row.sdk_app_id, row.room_type, row.room_id);
    if (!users.has(k)) users.set(k, new Map());
    users.get(k)!.set(String(row.user_id), userFrom(row));
  }
  const writes: Write[] = [];
  for (const room of rooms) {
    const k = refKey(room.ref);
    // The horizon matters for a late event and for a room not held (retention may have forgotten it); a held room's in-order events fold exactly whatever was pruned.
    const horizonMs = !stored.has(k) || isLate(stored.get(k), room.events) ? await horizon(room.ref.sdkAppId) : 0;
    const events = foldable(stored.get(k), room.events, horizonMs);
    if (events.length === 0) continue;
    writes.push({ ref: room.ref, settled: await settleRoom(stored.get(k), users.get(k) ?? new Map(), events, roomLog(q, room.ref, horizonMs)) });
  }
  await perRooms(
    q,
    writes.filter((w) => w.settled.clearMembers).map((w) => w.ref),
    (c) => `UPDATE presence SET since_ms = NULL WHERE since_ms IS NOT NULL AND ${c}`,
  );
  await writeUsers(q, writes);
  await writeRooms(q, writes);
}

async function writeUsers(q: Query, writes: Write[]): Promise<void> {
  const rows = writes.flatMap(({ ref: r, settled }) =>
    [...settled.users].map(([userId, u]) => [
      r.sdkAppId,
      r.roomIdType,
      String(r.roomId),
      userId,
      u.enterMs,
      u.leaveMs,
      u.role,
      u.roleMs,
      u.roleRank,
      u.sinceMs,
    ]),
  );
  await multiRow(
    q,
    rows,
    (values) => `INSERT INTO presence (${USER_COLUMNS}) VALUES ${values}
    ON CONFLICT (sdk_app_id, room_type, room_id, user_id) DO UPDATE SET enter_ms = excluded.enter_ms, leave_ms = excluded.leave_ms,
    role = excluded.role, role_ms = excluded.role_ms, role_rank = excluded.role_rank, since_ms = excluded.since_ms`,
  );
}

async function writeRooms(q: Query, writes: Write[]): Promise<void> {
  const rows = writes.map(({ ref: r, settled: { room: s } }) => [
    r.sdkAppId,
    r.roomIdType,
    String(r.roomId),
    s.live ? 1 : 0,
    s.createdMs,
    s.lastMs,
    s.lastRank,
    s.closedMs,
    s.memberCount,
    s.openMs,
    s.closeMs,
    s.closeBeforeOpenMs,
  ]);
  await multiRow(
    q,
    rows,
    (values) => `INSERT INTO rooms (${ROOM_COLUMNS}) VALUES ${values}
    ON CONFLICT (sdk_app_id, room_type, room_id) DO UPDATE SET live = excluded.live, created_ms = excluded.created_ms, last_ms = excluded.last_ms,
    last_rank = excluded.last_rank, closed_ms = excluded.closed_ms, member_count = excluded.member_count, open_ms = excluded.open_ms,
    close_ms = excluded.close_ms, close_before_open_ms = excluded.close_before_open_ms`,
  );
}
