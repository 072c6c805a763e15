import type { IncomingEvent } from "../events/types.js";
import type { Db, Query } from "./db.js";
import type { Coverage } from "./types.js";

/**
 * How stale the stored latest arrival may be: updating it at most once a second keeps receivers
 * sharing a PostgreSQL store from queueing on the SdkAppId's one coverage row at every callback.
 */
const COVERAGE_RESOLUTION_MS = 1000;

/**
 * Notes, inside the append's transaction, that callbacks of these SdkAppIds arrived at `nowMs`
 * (duplicates too: they show TRTC reaches the receiver). trtc-admin's own dismissals are not callbacks.
 */
export async function recordArrivals(
  q: Query,
  dialect: Db["dialect"],
  events: IncomingEvent[],
  nowMs: number,
  /** When this process last found each SdkAppId's row fresh: no read at all within the resolution. */
  fresh: Map<number, number>,
): Promise<void> {
  const apps = new Set(events.filter((e) => e.source === "trtc").map((e) => e.sdkAppId));
  const [lower, higher] = dialect === "postgres" ? ["LEAST", "GREATEST"] : ["MIN", "MAX"];
  for (const sdkAppId of apps) {
    if ((fresh.get(sdkAppId) ?? Number.NEGATIVE_INFINITY) > nowMs - COVERAGE_RESOLUTION_MS) continue;
    const last = (await q("SELECT last_ms FROM coverage WHERE sdk_app_id = ?", [sdkAppId]))[0]?.last_ms;
    if (last !== undefined && Number(last) > nowMs - COVERAGE_RESOLUTION_MS) {
      fresh.set(sdkAppId, Number(last));
      continue;
    }
    fresh.set(sdkAppId, nowMs);
    await q(
      `INSERT INTO coverage (sdk_app_id, first_ms, last_ms) VALUES (?, ?, ?) ON CONFLICT (sdk_app_id)
       DO UPDATE SET first_ms = ${lower}(coverage.first_ms, excluded.first_ms), last_ms = ${higher}(coverage.last_ms, excluded.last_ms)`,
      [sdkAppId, nowMs, nowMs],
    );
  }
}

/** The SdkAppId's coverage, or null when no callback of it ever arrived. */
export async function readCoverage(db: Db, sdkAppId: number): Promise<Coverage | null> {
  const row = (await db.query("SELECT first_ms, last_ms FROM coverage WHERE sdk_app_id = ?", [sdkAppId]))[0];
  if (!row) return null;
  return { since: new Date(Number(row.first_ms)).toISOString(), lastEventAt: new Date(Number(row.last_ms)).toISOString() };
}
