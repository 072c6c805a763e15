import { ConfigError } from "../errors.js";
import type { PruneCount } from "../events/types.js";
import { filePath, storeExists } from "../store/url.js";
import { inventorySetup, openExistingInventory } from "./inventory.js";
import type { Session } from "./session.js";

/** `events prune`: deletes the app's stored events older than `olderThanMs` (or counts them: `dryRun`), as `events serve --retain` does continuously. */
export async function pruneEvents(
  session: Session,
  olderThanMs: number,
  dryRun: boolean,
  inventory: string | undefined,
): Promise<{ count: PruneCount; beforeMs: number }> {
  const setup = await inventorySetup(session, inventory);
  if (!storeExists(setup.url))
    throw new ConfigError(`no inventory at ${filePath(setup.url)}: nothing to prune`, "check --inventory, TRTC_INVENTORY or the profile's inventory");
  const store = await openExistingInventory(setup.url);
  try {
    const beforeMs = Date.now() - olderThanMs;
    return { count: await store.prune(setup.sdkAppId, beforeMs, { dryRun }), beforeMs };
  } finally {
    await store.close();
  }
}
