import type { Command } from "commander";
import { resolveInventoryUrl } from "../config/inventory.js";
import { type LoadedConfig, loadConfig } from "../config/load.js";
import { requireSdkAppId, resolveSettings, type Settings } from "../config/resolve.js";
import type { InventoryStore } from "../store/types.js";
import type { Context } from "./context.js";

export interface InventorySetup {
  loaded: LoadedConfig | undefined;
  settings: Settings;
  sdkAppId: number;
  url: string;
}

/** Config, SdkAppId and the inventory URL (--inventory, TRTC_INVENTORY, profile, embedded default). */
export async function inventorySetup(ctx: Context, cmd: Command): Promise<InventorySetup> {
  const loaded = await loadConfig(ctx.flags.config, ctx.io.cwd);
  const settings = resolveSettings(loaded, ctx.flags, ctx.io.env);
  const inventory = cmd.optsWithGlobals<{ inventory?: string }>().inventory;
  const url = resolveInventoryUrl(loaded, { ...ctx.flags, ...(inventory !== undefined ? { inventory } : {}) }, ctx.io.env, ctx.io.cwd);
  return { loaded, settings, sdkAppId: requireSdkAppId(settings), url };
}

/** Opens the store of the setup; the drivers load only here. */
export async function openInventory(url: string): Promise<InventoryStore> {
  const { openStore } = await import("../store/open.js");
  return openStore(url);
}
