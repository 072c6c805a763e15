import { inventoryIsExplicit } from "../config/inventory.js";
import type { LoadedConfig } from "../config/load.js";
import type { InventoryStore } from "../store/types.js";
import type { Context } from "./context.js";
import type { RoomOperation } from "./prepare.js";

export type InventoryOpener = ReturnType<typeof inventoryOpener>;

/** Opens, at most once, the inventory a run writes closes to, reads effects from and shares rate slots through. */
export function inventoryOpener(ctx: Context, loaded: LoadedConfig | undefined, op: Pick<RoomOperation, "kind" | "inventory">) {
  let store: Promise<InventoryStore | undefined> | undefined;
  const explicit = inventoryIsExplicit(loaded, { ...ctx.flags, ...(op.inventory !== undefined && { inventory: op.inventory }) }, ctx.io.env);
  // An explicit store is opened (created if new); otherwise a dismissal only updates one that exists.
  const open = () =>
    (store ??= import("./inventory.js").then((m) =>
      explicit ? m.openInventory(m.inventoryUrl(ctx, loaded, op.inventory)) : m.existingInventory(ctx, loaded, op.inventory),
    ));
  return {
    stores: { ...(op.kind === "dismiss" && { inventory: open }), ...(explicit && { ledger: open }), effects: open },
    close: async () => (await store?.catch(() => undefined))?.close(),
  };
}
