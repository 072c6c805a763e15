/** A ban's core, for the CLI's `ban` and the library's: which kicks it sends, and its storing. */

import { UsageError } from "../errors.js";
import { planKick } from "../plan/plan.js";
import type { PlannedRequest, RoomKey } from "../plan/types.js";
import type { Ban, InventoryStore, NewBan } from "../store/types.js";
import { requireCoverage } from "./inventory.js";

const MAX_REASON = 200;
/** How long a ban lasts: 10 s to 7 days. */
export const MIN_BAN_MS = 10_000;
export const MAX_BAN_MS = 7 * 86_400_000;

/** A ban's reason is printed in tables and exported to the UserSig issuer: no control characters. */
export function checkBanReason(text: string, name: string): string {
  if (text.length === 0 || text.length > MAX_REASON || /[\u0000-\u001f\u007f-\u009f]/.test(text)) {
    throw new UsageError(`invalid ${name}: expected 1..${MAX_REASON} characters without control characters`);
  }
  return text;
}

export interface BanRoom {
  room: RoomKey;
  userIds: string[];
}

/** The kicks of a ban, planned as `kick` plans them. The user ids are already validated and distinct. */
async function kicks(sdkAppId: number, rooms: BanRoom[]): Promise<PlannedRequest[]> {
  const out: PlannedRequest[] = [];
  for (const { room, userIds } of rooms) {
    const items = (async function* () {
      for (const [i, value] of userIds.entries()) yield { value, origin: `user ${i + 1}` };
    })();
    for await (const request of planKick(sdkAppId, room, items)) out.push(request);
  }
  return out;
}

/**
 * The kicks a ban sends: in `room`, or (null: all rooms) in each live room the inventory shows
 * the users in, as `sendable` keeps them (it drops ids the API would refuse). An inventory that
 * knows no room must not pass for "no room": exit 3.
 */
export async function planBanKicks(
  store: InventoryStore,
  sdkAppId: number,
  room: RoomKey | null,
  users: string[],
  sendable: (found: BanRoom[]) => BanRoom[],
): Promise<PlannedRequest[]> {
  if (room) return kicks(sdkAppId, [{ room, userIds: users }]);
  await requireCoverage(store, sdkAppId);
  return kicks(sdkAppId, sendable(await store.liveRoomsOf(sdkAppId, users)));
}

/** Stores the bans; one clock read, so each lasts exactly `forMs` from when it is stored. */
export function storeBans(
  store: InventoryStore,
  sdkAppId: number,
  room: RoomKey | null,
  users: string[],
  reason: string | null,
  forMs: number,
): Promise<Ban[]> {
  const nowMs = Date.now();
  const bans: NewBan[] = users.map((userId) => ({ sdkAppId, room, userId, reason, untilMs: nowMs + forMs }));
  return store.addBans(bans, nowMs);
}
