import type { FoldEvent, Member } from "../events/fold.js";
import type { Role, RoomEventType } from "../events/types.js";
import { num, numOrNull, type Query, type Row } from "./db.js";
import { planRoom, type RoomPlan, replan, type StoredRoom, touchedUsers } from "./room-plan.js";
import { multiRow, perRooms, type RoomRef } from "./sql-batch.js";

export interface PendingRoom {
  ref: RoomRef;
  events: FoldEvent[];
}

const keyOf = (sdkAppId: unknown, type: unknown, id: unknown) => `${String(sdkAppId)}|${String(type)}|${String(id)}`;
const refKey = (r: RoomRef) => keyOf(r.sdkAppId, r.type, r.id);

function storedFrom(row: Row): StoredRoom {
  const state = {
    live: num(row.live) === 1,
    createdMs: numOrNull(row.created_ms),
    lastMs: num(row.last_ms),
    lastRank: num(row.last_rank),
    closedMs: numOrNull(row.closed_ms),
    members: new Map(),
  };
  return { state, memberCount: num(row.member_count) };
}

async function loadLog(q: Query, r: RoomRef): Promise<FoldEvent[]> {
  const rows = await q("SELECT event_type, user_id, event_ms, role FROM events WHERE sdk_app_id = ? AND room_type = ? AND room_id = ? AND group_id = 1", [
    r.sdkAppId,
    r.type,
    r.id,
  ]);
  return rows.map((e) => ({
    type: num(e.event_type) as RoomEventType,
    userId: String(e.user_id),
    eventMs: num(e.event_ms),
    role: (e.role as Role | null) ?? null,
  }));
}

/** Folds the newly stored events of many rooms with a handful of statements, whatever the batch size. */
export async function foldRooms(q: Query, rooms: PendingRoom[]): Promise<void> {
  const refs = rooms.map((r) => r.ref);
  const touched = new Map(rooms.map((r) => [refKey(r.ref), touchedUsers(r.events)]));
  const stored = new Map(
    (
      await perRooms(
        q,
        refs,
        (c) => `SELECT sdk_app_id, room_type, room_id, live, created_ms, last_ms, last_rank, closed_ms, member_count FROM rooms WHERE ${c}`,
      )
    ).map((row) => [keyOf(row.sdk_app_id, row.room_type, row.room_id), storedFrom(row)]),
  );
  const before = new Map<string, Map<string, Member>>();
  const memberRows = await perRooms(
    q,
    refs.filter((r) => stored.has(refKey(r))),
    (c) => `SELECT sdk_app_id, room_type, room_id, user_id, role, since_ms FROM members WHERE ${c}`,
    (r) => touched.get(refKey(r))!,
  );
  for (const m of memberRows) {
    const k = keyOf(m.sdk_app_id, m.room_type, m.room_id);
    if (!before.has(k)) before.set(k, new Map());
    before.get(k)!.set(String(m.user_id), { role: m.role as Role, sinceMs: num(m.since_ms) });
  }
  const plans: [RoomRef, RoomPlan][] = [];
  for (const room of rooms) {
    const k = refKey(room.ref);
    plans.push([room.ref, planRoom(stored.get(k), before.get(k) ?? new Map(), room.events) ?? replan(await loadLog(q, room.ref))]);
  }
  await writePlans(q, plans);
}

async function writePlans(q: Query, plans: [RoomRef, RoomPlan][]): Promise<void> {
  const deletes = new Map(plans.map(([r, p]) => [refKey(r), p.deletes]));
  await perRooms(
    q,
    plans.filter(([, p]) => p.clear).map(([r]) => r),
    (c) => `DELETE FROM members WHERE ${c}`,
  );
  await perRooms(
    q,
    plans.filter(([, p]) => p.deletes.length > 0).map(([r]) => r),
    (c) => `DELETE FROM members WHERE ${c}`,
    (r) => deletes.get(refKey(r))!,
  );
  const members = plans.flatMap(([r, p]) => [...p.upserts].map(([userId, m]) => [r.sdkAppId, r.type, r.id, userId, m.role, m.sinceMs]));
  await multiRow(
    q,
    members,
    (values) => `INSERT INTO members (sdk_app_id, room_type, room_id, user_id, role, since_ms) VALUES ${values}
    ON CONFLICT (sdk_app_id, room_type, room_id, user_id) DO UPDATE SET role = excluded.role, since_ms = excluded.since_ms`,
  );
  const rooms = plans.map(([r, { state: s, memberCount }]) => [
    r.sdkAppId,
    r.type,
    r.id,
    s.live ? 1 : 0,
    s.createdMs,
    s.lastMs,
    s.lastRank,
    s.closedMs,
    memberCount,
  ]);
  await multiRow(
    q,
    rooms,
    (values) => `INSERT INTO rooms (sdk_app_id, room_type, room_id, live, created_ms, last_ms, last_rank, closed_ms, member_count) VALUES ${values}
    ON CONFLICT (sdk_app_id, room_type, room_id) DO UPDATE SET live = excluded.live, created_ms = excluded.created_ms, last_ms = excluded.last_ms,
    last_rank = excluded.last_rank, closed_ms = excluded.closed_ms, member_count = excluded.member_count`,
  );
}
