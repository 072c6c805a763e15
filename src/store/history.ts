import type { RoomEventType } from "../events/types.js";
import type { RoomKey } from "../plan/types.js";
import { type Db, num, numOrNull } from "./db.js";

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

/**
 * The room's stored events at or after `sinceMs`, oldest first (ties in the fold's order), read in
 * keyset pages so a long history never sits in memory at once.
 */
export async function* roomHistory(db: Db, sdkAppId: number, room: RoomKey, sinceMs: number): AsyncIterable<RoomHistoryEvent> {
  const rank = "CASE event_type WHEN 101 THEN 0 WHEN 103 THEN 1 WHEN 105 THEN 2 WHEN 104 THEN 3 ELSE 4 END";
  let after: [number, number, number] = [sinceMs - 1, 9, 0];
  for (;;) {
    const rows = await db.query(
      `SELECT id, event_type, event_ms, user_id, role, reason, source, ${rank} AS r, CASE WHEN event_type = 104 AND reason IS NULL THEN body END AS body
       FROM events WHERE sdk_app_id = ? AND room_type = ? AND room_id = ? AND group_id = 1 AND event_ms >= ?
       AND (event_ms > ? OR (event_ms = ? AND (${rank} > ? OR (${rank} = ? AND id > ?))))
       ORDER BY event_ms, r, id LIMIT ${PAGE}`,
      [sdkAppId, room.roomIdType, String(room.roomId), sinceMs, after[0], after[0], after[1], after[1], after[2]],
    );
    for (const row of rows) {
      const type = num(row.event_type) as RoomEventType;
      const event: RoomHistoryEvent = {
        eventType: type,
        at: new Date(num(row.event_ms)).toISOString(),
        source: row.source === "trtc" ? "callback" : "dismissal",
      };
      if (row.user_id) event.userId = String(row.user_id);
      const role = ROLE_CODE[String(row.role)];
      if (role) event.role = role;
      const reason = numOrNull(row.reason) ?? (type === 104 ? reasonFromBody(row.body) : undefined);
      if (reason !== null && reason !== undefined) event.reason = reason;
      yield event;
    }
    if (rows.length < PAGE) return;
    const last = rows.at(-1)!;
    after = [num(last.event_ms), num(last.r), num(last.id)];
  }
}
