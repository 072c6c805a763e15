import { inventoryIsExplicit } from "../config/inventory.js";
import type { LoadedConfig } from "../config/load.js";
import { requireSdkAppId, type Settings } from "../config/resolve.js";
import { PREVIEW_SIZE } from "../output/dialogs.js";
import { roomLabel } from "../output/render.js";
import { parseRoom } from "../plan/ids.js";
import { actionFor, type PlannedRequest, type Room } from "../plan/types.js";
import { liveRoomsFor } from "../store/live.js";
import type { RoomKey } from "../store/types.js";
import type { Context } from "./context.js";
import { inventoryUrl, openExistingInventory, requireCoverage } from "./inventory.js";
import type { Prepared, RoomOperation } from "./prepare.js";
import { keepSendable } from "./stored-ids.js";

/**
 * The inventory's rooms whose ids the API would accept, typed as the inventory saw them. The
 * receiver stores any id TRTC sends (`room😀`); one the API would refuse is skipped with a
 * warning that names it (the first few) and counts them, never sent and never blocking the rest.
 */
export function sendable<T>(ctx: Context, found: T[], keyOf: (item: T) => RoomKey): { item: T; room: Room }[] {
  const kept = keepSendable(
    ctx,
    found,
    (item) => {
      const key = keyOf(item);
      return parseRoom(String(key.roomId), key.roomIdType);
    },
    (item) => `${keyOf(item).roomIdType} room ${roomLabel(keyOf(item))}`,
    { noun: "room", id: "id" },
  );
  return kept.map(({ item, value }) => ({ item, room: value }));
}

/**
 * dismiss --live: the rooms `rooms list` shows with the same filters, each typed as the
 * inventory saw it; those whose ids the API would refuse are skipped with a warning (sendable).
 */
export async function prepareLive(ctx: Context, op: RoomOperation, loaded: LoadedConfig | undefined, settings: Settings): Promise<Prepared> {
  const sdkAppId = requireSdkAppId(settings);
  const store = await openExistingInventory(inventoryUrl(ctx, loaded, op.inventory), ctx.io.signal);
  try {
    await requireCoverage(store, sdkAppId);
    const rooms = sendable(ctx, await liveRoomsFor(store, sdkAppId, op.live ?? {}), (r) => r);
    const requests: PlannedRequest[] = rooms.map(({ room }) => ({ action: actionFor("dismiss", room.type), sdkAppId, room }));
    return {
      settings,
      sdkAppId,
      total: requests.length,
      preview: requests.slice(0, PREVIEW_SIZE),
      async *requests() {
        yield* requests;
      },
      inventory: async () => store,
      effects: async () => store,
      ...(inventoryIsExplicit(loaded, { ...ctx.flags, ...(op.inventory !== undefined && { inventory: op.inventory }) }, ctx.io.env) && {
        ledger: async () => store,
      }),
      close: () => store.close(),
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
