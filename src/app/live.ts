import { actionFor } from "../plan/types.js";
import { liveRoomsFor } from "../store/live.js";
import { type InventoryPreparer, preparedFromInventory } from "./run-inventory.js";
import { sendableRooms } from "./sendable.js";

/**
 * dismiss --live: the rooms `rooms list` shows with the same filters, each typed as the
 * inventory saw it; those whose ids the API would refuse are skipped with a warning.
 */
export const prepareLive: InventoryPreparer = (session, op, loaded, settings, warn) =>
  preparedFromInventory(session, loaded, op, settings, async (store, sdkAppId) =>
    sendableRooms(await liveRoomsFor(store, sdkAppId, op.live ?? {}), (r) => r, warn).map(({ room }) => ({
      action: actionFor("dismiss", room.roomIdType),
      sdkAppId,
      room,
    })),
  );
