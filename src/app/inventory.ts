import { ConfigError } from "../errors.js";
import type { InventoryStore } from "../store/types.js";

export const WHICH_STORE = "set TRTC_INVENTORY (or --inventory, or the profile's inventory) to the store that `events serve` or `events ingest` writes";

/**
 * For actions on every room the inventory knows (dismiss --live, ban --all-rooms): an inventory
 * that never received a callback for the SdkAppId knows no room, and acting on its "nothing"
 * would silently do nothing. Exit 3.
 */
export async function requireCoverage(store: InventoryStore, sdkAppId: number): Promise<void> {
  if (await store.coverage(sdkAppId)) return;
  throw new ConfigError(`the inventory ${store.label} has never received a callback for SdkAppId ${sdkAppId}: it knows no room`, WHICH_STORE);
}
