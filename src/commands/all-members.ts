import { inventoryIsExplicit } from "../config/inventory.js";
import type { LoadedConfig } from "../config/load.js";
import { requireSdkAppId, type Settings } from "../config/resolve.js";
import { PREVIEW_SIZE } from "../output/dialogs.js";
import { parseRoom, validateUserId } from "../plan/ids.js";
import { planKick } from "../plan/plan.js";
import type { PlannedRequest } from "../plan/types.js";
import type { Context } from "./context.js";
import { inventoryUrl, openExistingInventory, requireCoverage } from "./inventory.js";
import type { Prepared, RoomOperation } from "./prepare.js";
import { keepSendable } from "./stored-ids.js";

/**
 * The user ids the API would accept among the members the inventory shows. The receiver stores
 * any id TRTC sends; one the API would refuse is skipped with a warning naming it, never sent.
 */
function sendableUsers(ctx: Context, userIds: string[]): string[] {
  return keepSendable(ctx, userIds, validateUserId, (id) => JSON.stringify(id), { noun: "member", id: "user id" }).map(({ value }) => value);
}

/** kick --all-members: every member the inventory shows in the room, oldest first, 10 a request. */
export async function prepareAllMembers(ctx: Context, op: RoomOperation, loaded: LoadedConfig | undefined, settings: Settings): Promise<Prepared> {
  const sdkAppId = requireSdkAppId(settings);
  const room = parseRoom(op.room!, op.roomIdMode ?? settings.roomIdMode);
  const store = await openExistingInventory(inventoryUrl(ctx, loaded, op.inventory), ctx.io.signal);
  try {
    await requireCoverage(store, sdkAppId);
    const found = await store.getRoom(sdkAppId, { roomIdType: room.type, roomId: room.id });
    const userIds = sendableUsers(ctx, found?.live ? found.members.map((m) => m.userId) : []);
    const requests: PlannedRequest[] = [];
    for await (const request of planKick(
      sdkAppId,
      room,
      (async function* () {
        for (const [i, value] of userIds.entries()) yield { value, origin: `member ${i + 1}` };
      })(),
    ))
      requests.push(request);
    return {
      settings,
      sdkAppId,
      total: requests.length,
      preview: requests.slice(0, PREVIEW_SIZE),
      async *requests() {
        yield* requests;
      },
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
