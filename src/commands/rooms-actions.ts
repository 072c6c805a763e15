import { findRoom, listRooms } from "../app/reads.js";
import { UsageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { printRoom, printRooms } from "../output/inventory.js";
import type { RoomIdMode } from "../plan/types.js";
import type { Context } from "./context.js";
import { type FilterOptions, filtersFrom } from "./room-filters.js";

export interface ListOptions extends FilterOptions {
  live?: boolean;
  all?: boolean;
}

export async function list(ctx: Context, inventory: string | undefined, opts: ListOptions): Promise<number> {
  if (opts.live && opts.all) throw new UsageError("--live and --all cannot be used together");
  await listRooms(ctx, inventory, { ...filtersFrom(opts), all: Boolean(opts.all) }, (listing) => printRooms(ctx.term, listing, ctx.run.format));
  return ExitCode.ok;
}

export async function show(ctx: Context, inventory: string | undefined, value: string, forced: RoomIdMode | undefined): Promise<number> {
  const { room, coverage } = await findRoom(ctx, inventory, value, forced);
  printRoom(ctx.term, room, coverage, ctx.run.format);
  return ExitCode.ok;
}
