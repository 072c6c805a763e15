/** The inventory's reads (rooms list/show, bans list/export) and unban: the store of the session's SdkAppId, open while `use` runs. */
import { DomainError } from "../errors.js";
import { parseRoom, roomName } from "../plan/ids.js";
import { checkRoomText } from "../plan/plan.js";
import type { RoomIdMode, RoomKey } from "../plan/types.js";
import type { Ban, Coverage, InventoryStore, Room, RoomFilters, RoomListing } from "../store/types.js";
import { type InventorySetup, inventorySetup, openExistingInventory, openInventory } from "./inventory.js";
import type { Session } from "./session.js";

/** `flag` is --inventory. Reads never create a store; unban may (an all-rooms ban can precede any callback). */
async function withStore<T>(
  session: Session,
  flag: string | undefined,
  open: typeof openInventory,
  use: (store: InventoryStore, setup: InventorySetup) => Promise<T>,
): Promise<T> {
  const setup = await inventorySetup(session, flag);
  const store = await open(setup.url, session.io.signal);
  try {
    return await use(store, setup);
  } finally {
    await store.close();
  }
}

/** `rooms list`: `show` streams the listing while the store is open. */
export function listRooms(session: Session, flag: string | undefined, filters: RoomFilters, show: (listing: RoomListing) => Promise<void>): Promise<void> {
  return withStore(session, flag, openExistingInventory, async (store, { sdkAppId }) =>
    show({ pages: store.roomPages(sdkAppId, filters), coverage: await store.coverage(sdkAppId), sdkAppId, live: !filters.all }),
  );
}

/** `rooms show`: the room as `forced` or the config types it; a room the inventory never saw is an error (exit 1). */
export function findRoom(
  session: Session,
  flag: string | undefined,
  value: string,
  forced: RoomIdMode | undefined,
): Promise<{ room: Room; coverage: Coverage | null }> {
  // The id's syntax is checked before the configuration is read (exit 2 before 3).
  checkRoomText(value, forced);
  return withStore(session, flag, openExistingInventory, async (store, { settings, sdkAppId }) => {
    const key = parseRoom(value, forced ?? settings.roomIdMode);
    const room = await store.getRoom(sdkAppId, key);
    if (!room) {
      throw new DomainError(
        `the inventory holds no ${roomName(key)} of SdkAppId ${sdkAppId} (never seen, or closed before the retention window)`,
        "RoomNotFound",
        "is `events serve` receiving this app's callbacks? String and numeric rooms differ: try --str-room or --numeric-room",
      );
    }
    return { room, coverage: await store.coverage(sdkAppId) };
  });
}

/** `bans list`: `show` streams the bans (active only unless `all`) while the store is open. */
export function listBans(session: Session, flag: string | undefined, all: boolean, show: (pages: AsyncIterable<Ban[]>) => Promise<void>): Promise<void> {
  return withStore(session, flag, openExistingInventory, (store, { sdkAppId }) => show(store.banPages(sdkAppId, { all })));
}

/** `bans export`: the active bans. */
export function activeBans(session: Session, flag: string | undefined): Promise<Ban[]> {
  return withStore(session, flag, openExistingInventory, (store, { sdkAppId }) => store.listBans(sdkAppId, {}));
}

/** `unban`: ends the users' bans in `room` (typed as `mode` or the config says), or all their bans with `room` undefined. */
export function endBans(
  session: Session,
  flag: string | undefined,
  target: { room: string | undefined; users: string[]; mode: RoomIdMode | undefined },
): Promise<{ room: RoomKey | null; ended: Ban[] }> {
  return withStore(session, flag, openInventory, async (store, { settings, sdkAppId }) => {
    const room = target.room === undefined ? null : parseRoom(target.room, target.mode ?? settings.roomIdMode);
    return { room, ended: await store.endBans(sdkAppId, room, target.users, Date.now()) };
  });
}
