import type { Command } from "commander";
import { WHICH_STORE } from "../app/inventory.js";
import { resolveInventoryUrl } from "../config/inventory.js";
import type { LoadedConfig } from "../config/load.js";
import { requireSdkAppId, resolveSettings, type Settings } from "../config/resolve.js";
import { ConfigError, InterruptedError, untilInterrupted } from "../errors.js";
import type { InventoryStore } from "../store/types.js";
import { storeExists, urlLabel } from "../store/url.js";

export { requireCoverage } from "../app/inventory.js";

import { type Context, loadConfigOf } from "./context.js";

export interface InventorySetup {
  loaded: LoadedConfig | undefined;
  settings: Settings;
  sdkAppId: number;
  url: string;
}

/** The inventory URL: --inventory (`flag`), TRTC_INVENTORY, the profile's, else the embedded file. */
export function inventoryUrl(ctx: Context, loaded: LoadedConfig | undefined, flag: string | undefined): string {
  return resolveInventoryUrl(loaded, { ...ctx.flags, ...(flag !== undefined ? { inventory: flag } : {}) }, ctx.io.env, ctx.io.cwd);
}

/** Config, SdkAppId and the inventory URL. */
export async function inventorySetup(ctx: Context, cmd: Command): Promise<InventorySetup> {
  const loaded = await loadConfigOf(ctx);
  const settings = resolveSettings(loaded, ctx.flags, ctx.io.env);
  const url = inventoryUrl(ctx, loaded, cmd.optsWithGlobals<{ inventory?: string }>().inventory);
  return { loaded, settings, sdkAppId: requireSdkAppId(settings), url };
}

/**
 * The inventory a command keeps up to date without needing it (a dismissal closes its rooms there):
 * undefined when it is an embedded store that does not exist yet, which is not created for this.
 */
export async function existingInventory(ctx: Context, loaded: LoadedConfig | undefined, flag: string | undefined): Promise<InventoryStore | undefined> {
  const url = inventoryUrl(ctx, loaded, flag);
  return storeExists(url) ? openInventory(url) : undefined;
}

/** The store of a command that only reads it: an embedded file that does not exist is exit 3, never created. */
export async function openExistingInventory(url: string, interrupt?: AbortSignal): Promise<InventoryStore> {
  if (!storeExists(url)) throw new ConfigError(`the inventory ${urlLabel(url)} does not exist`, WHICH_STORE);
  return openInventory(url, interrupt);
}

/**
 * Opens the store of the setup; the drivers load only here. With `interrupt`, an interrupt stops
 * the wait at once (a database may accept connections and never answer), and the store is closed
 * when it opens after all.
 */
export async function openInventory(url: string, interrupt?: AbortSignal): Promise<InventoryStore> {
  const { openStore } = await import("../store/open.js");
  const opening = openStore(url);
  if (!interrupt) return opening;
  return untilInterrupted(opening, interrupt).catch((err: unknown) => {
    if (err instanceof InterruptedError) void opening.then((store) => store.close()).catch(() => undefined);
    throw err;
  });
}
