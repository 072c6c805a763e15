import type { LoadedConfig } from "../config/load.js";
import type { Settings } from "../config/resolve.js";
import { parseRoom, validateUserId } from "../plan/ids.js";
import { planKick } from "../plan/plan.js";
import type { PlannedRequest } from "../plan/types.js";
import type { Context } from "./context.js";
import type { Prepared, RoomOperation } from "./prepare.js";
import { preparedFromInventory } from "./run-inventory.js";
import { keepSendable } from "./stored-ids.js";

/**
 * The user ids the API would accept among the members the inventory shows. The receiver stores
 * any id TRTC sends; one the API would refuse is skipped with a warning naming it, never sent.
 */
function sendableUsers(ctx: Context, userIds: string[]): string[] {
  return keepSendable(ctx, userIds, validateUserId, (id) => JSON.stringify(id), { noun: "member", id: "user id" }).map(({ value }) => value);
}

/** kick --all-members: every member the inventory shows in the room, oldest first, 10 a request. */
export function prepareAllMembers(ctx: Context, op: RoomOperation, loaded: LoadedConfig | undefined, settings: Settings): Promise<Prepared> {
  const room = parseRoom(op.room!, op.roomIdMode ?? settings.roomIdMode);
  return preparedFromInventory(ctx, loaded, op, settings, async (store, sdkAppId) => {
    const found = await store.getRoom(sdkAppId, room);
    const userIds = sendableUsers(ctx, found?.live ? found.members.map((m) => m.userId) : []);
    const requests: PlannedRequest[] = [];
    const members = (async function* () {
      for (const [i, value] of userIds.entries()) yield { value, origin: `member ${i + 1}` };
    })();
    for await (const request of planKick(sdkAppId, room, members)) requests.push(request);
    return requests;
  });
}
