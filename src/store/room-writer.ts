import { applyEvent, compareEvents, emptyRoom, foldEvents, isInOrder, type FoldEvent, type Member, type RoomState } from "../events/fold.js";
import type { Role, RoomEventType } from "../events/types.js";
import { num, numOrNull, type Query, type Row } from "./db.js";
import type { RoomKey } from "./types.js";

const ROOM = "sdk_app_id = ? AND room_type = ? AND room_id = ?";

function stateFrom(row: Row): RoomState {
  return { live: num(row.live) === 1, createdMs: numOrNull(row.created_ms), lastMs: num(row.last_ms), lastRank: num(row.last_rank), closedMs: numOrNull(row.closed_ms), members: new Map() };
}

async function loadMembers(q: Query, where: unknown[], userIds: string[]): Promise<Map<string, Member>> {
  const rows = await q(`SELECT user_id, role, since_ms FROM members WHERE ${ROOM} AND user_id IN (${userIds.map(() => "?").join(", ")})`, [...where, ...userIds]);
  return new Map(rows.map((r) => [String(r.user_id), { role: r.role as Role, sinceMs: num(r.since_ms) }]));
}

async function loadLog(q: Query, where: unknown[]): Promise<FoldEvent[]> {
  const rows = await q(`SELECT event_type, user_id, event_ms, role FROM events WHERE ${ROOM} AND group_id = 1`, where);
  return rows.map((r) => ({ type: num(r.event_type) as RoomEventType, userId: String(r.user_id), eventMs: num(r.event_ms), role: (r.role as Role | null) ?? null }));
}

const upsertMember = (q: Query, where: unknown[], userId: string, m: Member) =>
  q(
    "INSERT INTO members (sdk_app_id, room_type, room_id, user_id, role, since_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sdk_app_id, room_type, room_id, user_id) DO UPDATE SET role = excluded.role, since_ms = excluded.since_ms",
    [...where, userId, m.role, m.sinceMs],
  );

async function replaceMembers(q: Query, where: unknown[], members: Map<string, Member>): Promise<number> {
  await q(`DELETE FROM members WHERE ${ROOM}`, where);
  for (const [userId, m] of members) await upsertMember(q, where, userId, m);
  return members.size;
}

/**
 * Folds a room's newly stored events into its row. Only the members the events touch are read,
 * so a crowded room costs no more than an empty one. An event older than what is already folded
 * means the room is re-folded from its whole log: the log is the truth, so arrival order never matters.
 */
export async function foldInto(q: Query, sdkAppId: number, key: RoomKey, events: FoldEvent[]): Promise<void> {
  const where = [sdkAppId, key.roomIdType, String(key.roomId)];
  const row = (await q(`SELECT live, created_ms, last_ms, last_rank, closed_ms, member_count FROM rooms WHERE ${ROOM}`, where))[0];
  const sorted = [...events].sort(compareEvents);
  const touched = [...new Set(sorted.map((e) => e.userId).filter((u) => u !== ""))];
  const before = row && touched.length > 0 ? await loadMembers(q, where, touched) : new Map<string, Member>();
  let state = row ? stateFrom(row) : emptyRoom();
  state.members = new Map([...before].map(([u, m]) => [u, { ...m }]));
  const inOrder = sorted.every((e) => isInOrder(state, e) && Boolean(applyEvent(state, e)));
  let count: number;
  if (!inOrder) {
    state = foldEvents(await loadLog(q, where));
    count = await replaceMembers(q, where, state.members);
  } else if (sorted.some((e) => e.type === 102)) {
    // A dismissal emptied the room: whoever is in `state` now entered after it, in this batch.
    count = await replaceMembers(q, where, state.members);
  } else {
    count = row ? num(row.member_count) : 0;
    for (const userId of touched) {
      const [was, now] = [before.get(userId), state.members.get(userId)];
      if (now && (!was || was.role !== now.role || was.sinceMs !== now.sinceMs)) await upsertMember(q, where, userId, now);
      if (!now && was) await q(`DELETE FROM members WHERE ${ROOM} AND user_id = ?`, [...where, userId]);
      count += (now && !was ? 1 : 0) - (was && !now ? 1 : 0);
    }
  }
  await q(
    `INSERT INTO rooms (sdk_app_id, room_type, room_id, live, created_ms, last_ms, last_rank, closed_ms, member_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (sdk_app_id, room_type, room_id) DO UPDATE SET live = excluded.live, created_ms = excluded.created_ms, last_ms = excluded.last_ms,
     last_rank = excluded.last_rank, closed_ms = excluded.closed_ms, member_count = excluded.member_count`,
    [...where, state.live ? 1 : 0, state.createdMs, state.lastMs, state.lastRank, state.closedMs, count],
  );
}
