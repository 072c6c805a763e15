import { inventoryIsExplicit } from "../config/inventory.js";
import type { LoadedConfig } from "../config/load.js";
import { requireSdkAppId, type Settings } from "../config/resolve.js";
import type { PlannedRequest } from "../plan/types.js";
import type { InventoryStore } from "../store/types.js";
import { inventoryUrl, openExistingInventory, requireCoverage } from "./inventory.js";
import { PREVIEW_SIZE, type Prepared, type RoomOperation } from "./prepare.js";
import type { Session } from "./session.js";

export type InventoryOpener = ReturnType<typeof inventoryOpener>;

/** dismiss --live and kick --all-members: a run planned from what the inventory holds (`warn` names what the API would refuse). */
export type InventoryPreparer = (
  session: Session,
  op: RoomOperation,
  loaded: LoadedConfig | undefined,
  settings: Settings,
  warn: (message: string) => void,
) => Promise<Prepared>;

/** Opens, at most once, the inventory a run writes closes to, reads effects from and shares rate slots through. */
export function inventoryOpener(session: Session, loaded: LoadedConfig | undefined, op: Pick<RoomOperation, "kind" | "inventory">) {
  let store: Promise<InventoryStore | undefined> | undefined;
  const explicit = inventoryIsExplicit(loaded, { ...session.flags, ...(op.inventory !== undefined && { inventory: op.inventory }) }, session.io.env);
  // An explicit store is opened (created if new); otherwise a dismissal only updates one that exists.
  const open = () =>
    (store ??= import("./inventory.js").then((m) =>
      explicit ? m.openInventory(m.inventoryUrl(session, loaded, op.inventory)) : m.existingInventory(session, loaded, op.inventory),
    ));
  return {
    stores: { ...(op.kind === "dismiss" && { inventory: open }), ...(explicit && { ledger: open }), effects: open },
    close: async () => (await store?.catch(() => undefined))?.close(),
  };
}

/**
 * A run whose requests come from the inventory (dismiss --live, kick --all-members): the store is
 * open already, must have seen the app, and is where the run closes rooms, reads effects and
 * shares rate slots.
 */
export async function preparedFromInventory(
  session: Session,
  loaded: LoadedConfig | undefined,
  op: RoomOperation,
  settings: Settings,
  plan: (store: InventoryStore, sdkAppId: number) => Promise<PlannedRequest[]>,
): Promise<Prepared> {
  const sdkAppId = requireSdkAppId(settings);
  const store = await openExistingInventory(inventoryUrl(session, loaded, op.inventory), session.io.signal);
  try {
    await requireCoverage(store, sdkAppId);
    const requests = await plan(store, sdkAppId);
    const opened = async () => store;
    const explicit = inventoryIsExplicit(loaded, { ...session.flags, ...(op.inventory !== undefined && { inventory: op.inventory }) }, session.io.env);
    return {
      settings,
      sdkAppId,
      total: requests.length,
      preview: requests.slice(0, PREVIEW_SIZE),
      async *requests() {
        yield* requests;
      },
      ...(op.kind === "dismiss" && { inventory: opened }),
      ...(explicit && { ledger: opened }),
      effects: opened,
      close: () => store.close(),
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
