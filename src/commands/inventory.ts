import type { Command } from "commander";
import { type InventorySetup, inventorySetup as setupFor } from "../app/inventory.js";
import { type Context, inventoryFlag } from "./context.js";

export { openExistingInventory, openInventory } from "../app/inventory.js";

/** Config, SdkAppId and the inventory URL, with the command's --inventory. */
export function inventorySetup(ctx: Context, cmd: Command): Promise<InventorySetup> {
  return setupFor(ctx, inventoryFlag(cmd));
}
