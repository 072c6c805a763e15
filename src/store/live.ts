import type { RoomIdType, Status } from "../plan/types.js";
import type { InventoryStore, Room, RoomFilters } from "./types.js";

export type LiveFilters = Omit<RoomFilters, "all">;

/** Exactly the rooms `rooms list` shows with these filters (live ones only): what `dismiss --live` targets. */
export function liveRoomsFor(store: InventoryStore, sdkAppId: number, filters: LiveFilters, now = Date.now()): Promise<Room[]> {
  return store.listRooms(sdkAppId, { ...filters, all: false }, now);
}

/** After a dismissal: rooms reported done or already-gone are closed in the inventory, so a lost 102 heals. Returns how many. */
export async function closeRooms(
  store: InventoryStore,
  sdkAppId: number,
  results: { roomId: number | string; roomIdType: RoomIdType; status: Status }[],
  atMs = Date.now(),
): Promise<number> {
  const gone = results.filter((r) => r.status === "done" || r.status === "already-gone").map((r) => ({ roomId: r.roomId, roomIdType: r.roomIdType }));
  if (gone.length) await store.closeRooms(sdkAppId, gone, atMs);
  return gone.length;
}
