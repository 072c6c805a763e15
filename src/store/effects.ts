import type { RoomKey } from "../plan/types.js";
import type { Db } from "./db.js";

const CHUNK = 400;

/**
 * Which of these effects TRTC reported at or after `sinceMs`: a 104 with Reason 3 (kicked) for
 * the user, or a 102 for the room. trtc-admin's own closes do not count: they prove nothing.
 * One index range read per chunk of rooms.
 */
export async function effectsSeen(db: Db, sdkAppId: number, effects: (RoomKey & { userId?: string })[], sinceMs: number): Promise<boolean[]> {
  const found = new Set<string>();
  const key = (type: unknown, room: unknown, user: unknown) => JSON.stringify([String(type), String(room), user ? String(user) : ""]);
  for (const type of ["numeric", "string"] as const) {
    const rooms = [...new Set(effects.filter((e) => e.roomIdType === type).map((e) => String(e.roomId)))];
    for (let i = 0; i < rooms.length; i += CHUNK) {
      const chunk = rooms.slice(i, i + CHUNK);
      const rows = await db.query(
        `SELECT room_id, user_id, event_type FROM events WHERE sdk_app_id = ? AND room_type = ? AND room_id IN (${chunk.map(() => "?").join(", ")})
         AND event_type IN (102, 104) AND event_ms >= ? AND source = 'trtc' AND (event_type = 102 OR reason = 3)`,
        [sdkAppId, type, ...chunk, sinceMs],
      );
      for (const row of rows) found.add(key(type, row.room_id, Number(row.event_type) === 104 ? row.user_id : ""));
    }
  }
  return effects.map((e) => found.has(key(e.roomIdType, e.roomId, e.userId ?? "")));
}
