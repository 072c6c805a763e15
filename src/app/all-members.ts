import { parseRoom } from "../plan/ids.js";
import { planKick } from "../plan/plan.js";
import type { PlannedRequest } from "../plan/types.js";
import { type InventoryPreparer, preparedFromInventory } from "./run-inventory.js";
import { sendableUsers } from "./sendable.js";

/** kick --all-members: every member the inventory shows in the room, oldest first, 10 a request. */
export const prepareAllMembers: InventoryPreparer = (session, op, loaded, settings, warn) => {
  const room = parseRoom(op.room!, op.roomIdMode ?? settings.roomIdMode);
  return preparedFromInventory(session, loaded, op, settings, async (store, sdkAppId) => {
    const found = await store.getRoom(sdkAppId, room);
    const userIds = sendableUsers(found?.live ? found.members.map((m) => m.userId) : [], warn);
    const requests: PlannedRequest[] = [];
    const members = (async function* () {
      for (const [i, value] of userIds.entries()) yield { value, origin: `member ${i + 1}` };
    })();
    for await (const request of planKick(sdkAppId, room, members)) requests.push(request);
    return requests;
  });
};
