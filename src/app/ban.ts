/** A ban's core, for the CLI's `ban` and the library's: which kicks it sends, and its storing. */
import { planKick } from "../plan/plan.js";
import type { PlannedRequest } from "../plan/types.js";
import type { Ban, InventoryStore, NewBan, RoomKey } from "../store/types.js";
import { requireCoverage } from "./inventory.js";

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
    for await (const request of planKick(sdkAppId, { id: room.roomId, type: room.roomIdType }, items)) out.push(request);
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
