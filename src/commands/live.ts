import type { LoadedConfig } from "../config/load.js";
import { requireSdkAppId, type Settings } from "../config/resolve.js";
import { PREVIEW_SIZE } from "../output/dialogs.js";
import { parseRoom } from "../plan/ids.js";
import { actionFor, type PlannedRequest } from "../plan/types.js";
import { liveRoomsFor } from "../store/live.js";
import type { Context } from "./context.js";
import { inventoryUrl, openExistingInventory, requireCoverage } from "./inventory.js";
import type { Prepared, RoomOperation } from "./prepare.js";

/**
 * dismiss --live: the rooms `rooms list` shows with the same filters, each typed as the
 * inventory saw it. Rooms read from the store are checked like any input before anything is sent.
 */
export async function prepareLive(ctx: Context, op: RoomOperation, loaded: LoadedConfig | undefined, settings: Settings): Promise<Prepared> {
  const sdkAppId = requireSdkAppId(settings);
  const store = await openExistingInventory(inventoryUrl(ctx, loaded, op.inventory));
  try {
    await requireCoverage(store, sdkAppId);
    const rooms = await liveRoomsFor(store, sdkAppId, op.live ?? {});
    const requests: PlannedRequest[] = rooms.map((r) => {
      const room = parseRoom(String(r.roomId), r.roomIdType);
      return { action: actionFor("dismiss", room.type), sdkAppId, room };
    });
    return {
      settings,
      sdkAppId,
      total: requests.length,
      preview: requests.slice(0, PREVIEW_SIZE),
      async *requests() {
        yield* requests;
      },
      inventory: async () => store,
      close: () => store.close(),
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
