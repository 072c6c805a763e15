import { resolveInventoryUrl } from "../config/inventory.js";
import type { LoadedConfig } from "../config/load.js";
import { requireSdkAppId, resolveSettings, type Settings } from "../config/resolve.js";
import { ConfigError, InterruptedError, untilInterrupted } from "../errors.js";
import type { InventoryStore } from "../store/types.js";
import { storeExists, urlLabel } from "../store/url.js";
import { loadConfigOf, type Session } from "./session.js";

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

export interface InventorySetup {
  loaded: LoadedConfig | undefined;
  settings: Settings;
  sdkAppId: number;
  url: string;
}

/** The inventory URL: --inventory (`flag`), TRTC_INVENTORY, the profile's, else the embedded file. */
export function inventoryUrl(session: Session, loaded: LoadedConfig | undefined, flag: string | undefined): string {
  return resolveInventoryUrl(loaded, { ...session.flags, ...(flag !== undefined ? { inventory: flag } : {}) }, session.io.env, session.io.cwd);
}

/** Config, SdkAppId and the inventory URL (`flag`: --inventory). */
export async function inventorySetup(session: Session, flag: string | undefined): Promise<InventorySetup> {
  const loaded = await loadConfigOf(session);
  const settings = resolveSettings(loaded, session.flags, session.io.env);
  const url = inventoryUrl(session, loaded, flag);
  return { loaded, settings, sdkAppId: requireSdkAppId(settings), url };
}

/**
 * The inventory an action keeps up to date without needing it (a dismissal closes its rooms there):
 * undefined when it is an embedded store that does not exist yet, which is not created for this.
 */
export async function existingInventory(session: Session, loaded: LoadedConfig | undefined, flag: string | undefined): Promise<InventoryStore | undefined> {
  const url = inventoryUrl(session, loaded, flag);
  return storeExists(url) ? openInventory(url) : undefined;
}

/** The store of an action that only reads it: an embedded file that does not exist is exit 3, never created. */
export async function openExistingInventory(url: string, interrupt?: AbortSignal): Promise<InventoryStore> {
  if (!storeExists(url)) throw new ConfigError(`the inventory ${urlLabel(url)} does not exist`, WHICH_STORE);
  // A PostgreSQL schema (or an empty file) without the inventory's tables is no store either: a read never creates one.
  const empty = () => new ConfigError(`the inventory ${urlLabel(url)} has no tables: nothing was ever stored in it`, WHICH_STORE);
  return openInventory(url, interrupt, empty);
}

/**
 * Opens the store of the setup; the drivers load only here. With `interrupt`, an interrupt stops
 * the wait at once (a database may accept connections and never answer), and the store is closed
 * when it opens after all.
 */
export async function openInventory(url: string, interrupt?: AbortSignal, missing?: () => ConfigError): Promise<InventoryStore> {
  const { openStore } = await import("../store/open.js");
  const opening = openStore(url, missing);
  if (!interrupt) return opening;
  return untilInterrupted(opening, interrupt).catch((err: unknown) => {
    if (err instanceof InterruptedError) void opening.then((store) => store.close()).catch(() => undefined);
    throw err;
  });
}
