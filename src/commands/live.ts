import type { LoadedConfig } from "../config/load.js";
import type { Settings } from "../config/resolve.js";
import { roomLabel } from "../output/render.js";
import { parseRoom } from "../plan/ids.js";
import { actionFor, type RoomKey } from "../plan/types.js";
import { liveRoomsFor } from "../store/live.js";
import type { Context } from "./context.js";
import type { Prepared, RoomOperation } from "./prepare.js";
import { preparedFromInventory } from "./run-inventory.js";
import { keepSendable } from "./stored-ids.js";

/**
 * The inventory's rooms whose ids the API would accept, typed as the inventory saw them. The
 * receiver stores any id TRTC sends (`room😀`); one the API would refuse is skipped with a
 * warning that names it (the first few) and counts them, never sent and never blocking the rest.
 */
export function sendable<T>(ctx: Context, found: T[], keyOf: (item: T) => RoomKey): { item: T; room: RoomKey }[] {
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
export function prepareLive(ctx: Context, op: RoomOperation, loaded: LoadedConfig | undefined, settings: Settings): Promise<Prepared> {
  return preparedFromInventory(ctx, loaded, op, settings, async (store, sdkAppId) =>
    sendable(ctx, await liveRoomsFor(store, sdkAppId, op.live ?? {}), (r) => r).map(({ room }) => ({
      action: actionFor("dismiss", room.roomIdType),
      sdkAppId,
      room,
    })),
  );
}
