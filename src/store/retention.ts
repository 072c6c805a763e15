import type { PruneCount } from "../events/types.js";
import { type Db, numOrNull, type Query } from "./db.js";

/** Deleted in chunks, each its own transaction, so a receiver's commits never wait long behind a prune. */
const CHUNK = 1000;

/** The cutoff of the SdkAppId's latest prune: a late event older than it is stored but not folded. */
export async function prunedBefore(q: Query, sdkAppId: number): Promise<number> {
  return numOrNull((await q("SELECT pruned_before_ms AS v FROM retention WHERE sdk_app_id = ?", [sdkAppId]))[0]?.v) ?? 0;
}

const DEPARTED = `sdk_app_id = ? AND since_ms IS NULL AND COALESCE(enter_ms, 0) < ? AND COALESCE(leave_ms, 0) < ? AND COALESCE(role_ms, 0) < ?`;

/** A closed room whose latest event is before the cutoff: no event that can still fold would change it. */
const ENDED = "sdk_app_id = ? AND live = 0 AND last_ms < ?";

/**
 * Deletes the SdkAppId's events older than `beforeMs` (event time), the marks of users gone from
 * their room since before it, and the rooms closed since before it, so the store's size follows the
 * window and not the receiver's age. Live rooms, members and bans are untouched: they hold their own times.
 */
export async function prune(db: Db, sdkAppId: number, beforeMs: number, dryRun: boolean): Promise<PruneCount> {
  const departedArgs = [sdkAppId, beforeMs, beforeMs, beforeMs];
  if (dryRun) {
    const count = async (sql: string, args: unknown[]) => Number((await db.query(sql, args))[0]?.n ?? 0);
    return {
      events: await count("SELECT COUNT(*) AS n FROM events WHERE sdk_app_id = ? AND event_ms < ?", [sdkAppId, beforeMs]),
      departed: await count(`SELECT COUNT(*) AS n FROM presence WHERE ${DEPARTED}`, departedArgs),
      closedRooms: await count(`SELECT COUNT(*) AS n FROM rooms WHERE ${ENDED}`, [sdkAppId, beforeMs]),
    };
  }
  // The horizon moves first: from now on a late event older than it is not folded, so nothing folds against what is being deleted.
  await db.tx((q) =>
    q(
      `INSERT INTO retention (sdk_app_id, pruned_before_ms) VALUES (?, ?) ON CONFLICT (sdk_app_id) DO UPDATE SET pruned_before_ms =
      CASE WHEN excluded.pruned_before_ms > retention.pruned_before_ms THEN excluded.pruned_before_ms ELSE retention.pruned_before_ms END`,
      [sdkAppId, beforeMs],
    ),
  );
  // PostgreSQL: a row a receiver is changing (a room re-opened, a user back in) is left to the next prune. Without the
  // lock the delete waits for that change, re-checks just the key, and deletes the row as the receiver made it.
  const lock = db.dialect === "postgres" ? " FOR UPDATE SKIP LOCKED" : "";
  const chunked = async (table: string, primaryKey: string, where: string, args: unknown[]) => {
    // SQLite finds a chunk's rows by a composite key only by scanning all the SdkAppId's rows, at every chunk: by rowid, at once.
    const key = db.dialect === "sqlite" ? "rowid" : primaryKey;
    let total = 0;
    for (;;) {
      const sql = `DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${CHUNK}${lock}) RETURNING 1 AS one`;
      const n = await db.tx(async (q) => (await q(sql, args)).length);
      total += n;
      if (n < CHUNK) return total;
    }
  };
  return {
    events: await chunked("events", "id", "sdk_app_id = ? AND event_ms < ?", [sdkAppId, beforeMs]),
    departed: await chunked("presence", "sdk_app_id, room_type, room_id, user_id", DEPARTED, departedArgs),
    // After the marks: a closed room's users all left by its latest event, so none of its marks is left behind.
    closedRooms: await chunked("rooms", "sdk_app_id, room_type, room_id", ENDED, [sdkAppId, beforeMs]),
  };
}
