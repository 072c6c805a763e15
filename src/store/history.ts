import { rankOf } from "../events/fold.js";
import type { RoomEventType } from "../events/types.js";
import type { RoomKey } from "../plan/types.js";
import { type Db, num, numOrNull } from "./db.js";
import { iso } from "./room-reader.js";

/** One stored event of a room, as `rooms history` shows it; `source` says whether TRTC or trtc-admin's own dismissal wrote it. */
export interface RoomHistoryEvent {
  eventType: RoomEventType;
  at: string;
  userId?: string;
  role?: "anchor" | "audience";
  reason?: number;
  source: "callback" | "dismissal";
}

const ROLE_CODE: Record<string, "anchor" | "audience"> = { anchor: "anchor", audience: "audience" };
const PAGE = 1000;

/** Reason of a 104 stored before the column existed: read from its body, which is TRTC's own JSON. */
function reasonFromBody(body: unknown): number | undefined {
  try {
    const reason = JSON.parse(Buffer.from(body as Uint8Array).toString("utf8"))?.EventInfo?.Reason;
    return Number.isSafeInteger(reason) ? reason : undefined;
  } catch {
    return undefined;
  }
}

/** Each room event type with its place in the fold's order of events at the same millisecond. */
const RANKS = ([101, 102, 103, 104, 105] as const).map((type): [RoomEventType, number] => [type, rankOf(type)]);

/**
 * The next page after `after` (event_ms, rank, id) of one event type: a range of the events_room_time
 * index, which holds each type's events in time order (ties by id), so no page sorts the history.
 * `legacy` marks a 104 stored before the reason column, whose reason is in its body.
 */
const typePage = (type: RoomEventType, rank: number, alias: string) =>
  `SELECT * FROM (SELECT id, event_type, event_ms, user_id, role, reason, source, ${rank} AS r,
    CASE WHEN event_type = 104 AND reason IS NULL THEN 1 ELSE 0 END AS legacy
    FROM events WHERE sdk_app_id = ? AND room_type = ? AND room_id = ? AND event_type = ${type} AND group_id = 1 AND event_ms >= ?
    AND (event_ms > ? OR (${rank} > ? OR (${rank} = ? AND id > ?))) ORDER BY event_ms, id LIMIT ${PAGE}) ${alias}`;
const COLUMNS = ["id", "event_type", "event_ms", "user_id", "role", "reason", "source", "r", "legacy"];
type HistoryRow = [unknown, unknown, unknown, string | null, string | null, unknown, string, unknown, unknown];
const PAGE_FROM = `FROM (${RANKS.map(([type, rank], i) => typePage(type, rank, `t${i}`)).join(" UNION ALL ")}) page
  ORDER BY event_ms, r, id LIMIT ${PAGE}`;

/** The reasons of a page's legacy 104s, by event id, from their bodies (one query, and none for a store written since). */
async function legacyReasons(db: Db, rows: HistoryRow[]): Promise<Map<number, number | undefined>> {
  const ids = rows.filter((row) => num(row[8]) === 1).map((row) => num(row[0]));
  if (ids.length === 0) return new Map();
  const bodies = await db.query(`SELECT id, body FROM events WHERE id IN (${ids.map(() => "?").join(", ")})`, ids);
  return new Map(bodies.map((b) => [num(b.id), reasonFromBody(b.body)]));
}

function historyEvent([id, type, ms, userId, role, reason, source]: HistoryRow, legacy: Map<number, number | undefined>): RoomHistoryEvent {
  const eventType = num(type) as RoomEventType;
  const event: RoomHistoryEvent = { eventType, at: iso(num(ms)), source: source === "trtc" ? "callback" : "dismissal" };
  if (userId) event.userId = userId;
  const known = ROLE_CODE[String(role)];
  if (known) event.role = known;
  const why = numOrNull(reason) ?? legacy.get(num(id));
  if (why !== null && why !== undefined) event.reason = why;
  return event;
}

/**
 * The room's stored events at or after `sinceMs`, oldest first (ties in the fold's order), read in
 * keyset pages so a long history never sits in memory at once; each page costs the same at any depth.
 */
export async function* roomHistory(db: Db, sdkAppId: number, room: RoomKey, sinceMs: number): AsyncIterable<RoomHistoryEvent> {
  let after: [number, number, number] = [sinceMs - 1, 9, 0];
  for (;;) {
    // From the later of `sinceMs` and the last event shown; the rest of the keyset only breaks ties at that millisecond.
    const from = Math.max(sinceMs, after[0]);
    const args = RANKS.flatMap(() => [sdkAppId, room.roomIdType, String(room.roomId), from, after[0], after[1], after[1], after[2]]);
    const rows = (await db.selectArrays(COLUMNS, PAGE_FROM, args)) as HistoryRow[];
    const legacy = await legacyReasons(db, rows);
    for (const row of rows) yield historyEvent(row, legacy);
    if (rows.length < PAGE) return;
    const last = rows.at(-1)!;
    after = [num(last[2]), num(last[7]), num(last[0])];
  }
}
