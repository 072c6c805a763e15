import { parseRoom } from "../plan/ids.js";
import type { RoomIdMode, RoomKey } from "../plan/types.js";
import type { RoomHistoryEvent } from "../store/history.js";
import type { Coverage } from "../store/types.js";
import { inventorySetup, openExistingInventory } from "./inventory.js";
import type { Session } from "./session.js";

/** A room's stored events, oldest first, read as they are shown: the store stays open while `show` pages through them. */
export interface RoomHistory {
  room: RoomKey & { sdkAppId: number };
  coverage: Coverage | null;
  events: AsyncIterable<RoomHistoryEvent>;
}

/** `rooms history`: the room typed as `forced` or the config says, its events since `sinceMs`, handed to `show`. */
export async function roomHistory(
  session: Session,
  value: string,
  forced: RoomIdMode | undefined,
  sinceMs: number,
  inventory: string | undefined,
  show: (history: RoomHistory) => Promise<unknown>,
): Promise<void> {
  const setup = await inventorySetup(session, inventory);
  const key = parseRoom(value, forced ?? setup.settings.roomIdMode);
  const store = await openExistingInventory(setup.url, session.io.signal);
  try {
    const coverage = await store.coverage(setup.sdkAppId);
    await show({ room: { ...key, sdkAppId: setup.sdkAppId }, coverage, events: store.roomHistory(setup.sdkAppId, key, sinceMs) });
  } finally {
    await store.close();
  }
}
