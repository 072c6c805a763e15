import type { Command } from "commander";
import { DomainError, UsageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { printRoom, printRooms } from "../output/inventory.js";
import { roomLabel } from "../output/render.js";
import { parseRoom } from "../plan/ids.js";
import { checkRoomText } from "../plan/plan.js";
import type { RoomIdMode } from "../plan/types.js";
import type { Context } from "./context.js";
import { inventorySetup, openExistingInventory } from "./inventory.js";
import { type FilterOptions, filtersFrom } from "./room-filters.js";

export interface ListOptions extends FilterOptions {
  live?: boolean;
  all?: boolean;
}

export async function list(ctx: Context, cmd: Command, opts: ListOptions): Promise<number> {
  if (opts.live && opts.all) throw new UsageError("--live and --all cannot be used together");
  const filters = { ...filtersFrom(opts), all: Boolean(opts.all) };
  const setup = await inventorySetup(ctx, cmd);
  const store = await openExistingInventory(setup.url, ctx.io.signal);
  try {
    const listing = {
      pages: store.roomPages(setup.sdkAppId, filters),
      coverage: await store.coverage(setup.sdkAppId),
      sdkAppId: setup.sdkAppId,
      live: !filters.all,
    };
    await printRooms(ctx.term, listing, ctx.run.format);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

export async function show(ctx: Context, cmd: Command, value: string, forced: RoomIdMode | undefined): Promise<number> {
  // The id's syntax is checked before the configuration is read (exit 2 before 3).
  checkRoomText(value, forced);
  const setup = await inventorySetup(ctx, cmd);
  const room = parseRoom(value, forced ?? setup.settings.roomIdMode);
  const store = await openExistingInventory(setup.url, ctx.io.signal);
  try {
    const found = await store.getRoom(setup.sdkAppId, room);
    const label = `${room.roomIdType} room ${roomLabel(room)}`;
    if (!found)
      throw new DomainError(
        `the inventory has never seen ${label} of SdkAppId ${setup.sdkAppId}`,
        "RoomNotFound",
        "is `events serve` receiving this app's callbacks? String and numeric rooms differ: try --str-room or --numeric-room",
      );
    printRoom(ctx.term, found, await store.coverage(setup.sdkAppId), ctx.run.format);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}
