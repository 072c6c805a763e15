import type { LoadedConfig } from "../config/load.js";
import type { Settings } from "../config/resolve.js";
import { actionFor } from "../plan/types.js";
import { liveRoomsFor } from "../store/live.js";
import type { Prepared, RoomOperation } from "./prepare.js";
import { preparedFromInventory } from "./run-inventory.js";
import { sendableRooms } from "./sendable.js";
import type { Session } from "./session.js";

/**
 * dismiss --live: the rooms `rooms list` shows with the same filters, each typed as the
 * inventory saw it; those whose ids the API would refuse are skipped with a warning.
 */
export function prepareLive(
  session: Session,
  op: RoomOperation,
  loaded: LoadedConfig | undefined,
  settings: Settings,
  warn: (message: string) => void,
): Promise<Prepared> {
  return preparedFromInventory(session, loaded, op, settings, async (store, sdkAppId) =>
    sendableRooms(await liveRoomsFor(store, sdkAppId, op.live ?? {}), (r) => r, warn).map(({ room }) => ({
      action: actionFor("dismiss", room.roomIdType),
      sdkAppId,
      room,
    })),
  );
}
