import { Command } from "commander";
import { CliError, ExitCode, UsageError } from "../errors.js";
import { printRoom, printRooms } from "../output/inventory.js";
import { roomLabel } from "../output/render.js";
import { parseRoom } from "../plan/ids.js";
import type { RoomIdMode } from "../plan/types.js";
import { addGlobalOptions, buildContext, type Context, type Io } from "./context.js";
import { addRoomFilterOptions, filtersFrom, inventorySetup, openInventory, type FilterOptions } from "./inventory.js";

interface ListOptions extends FilterOptions {
  live?: boolean;
  all?: boolean;
}

async function list(ctx: Context, cmd: Command, opts: ListOptions): Promise<number> {
  if (opts.live && opts.all) throw new UsageError("--live and --all cannot be used together");
  const filters = { ...filtersFrom(opts), all: Boolean(opts.all) };
  const setup = await inventorySetup(ctx, cmd);
  const store = await openInventory(setup.url);
  try {
    await printRooms(ctx.term, await store.listRooms(setup.sdkAppId, filters), ctx.run.format, !filters.all);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

async function show(ctx: Context, cmd: Command, value: string, forced: RoomIdMode | undefined): Promise<number> {
  // The id's syntax is checked before the configuration is read (exit 2 before 3).
  parseRoom(value, forced ?? "auto");
  const setup = await inventorySetup(ctx, cmd);
  const room = parseRoom(value, forced ?? setup.settings.roomIdMode);
  const store = await openInventory(setup.url);
  try {
    const found = await store.getRoom(setup.sdkAppId, { roomIdType: room.type, roomId: room.id });
    const label = `${room.type} room ${roomLabel({ roomId: room.id, roomIdType: room.type })}`;
    if (!found) throw new CliError(`the inventory has never seen ${label} of SdkAppId ${setup.sdkAppId}`, ExitCode.failed, "RoomNotFound", "is `events serve` receiving this app's callbacks? String and numeric rooms differ: try --str-room or --numeric-room");
    printRoom(ctx.term, found, ctx.run.format);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

const LIST_HELP = `
Rooms of the profile's SdkAppId as the callbacks describe them (live ones unless --all).
Filters combine with AND. Durations: an integer and s, m, h or d.

Examples:
  $ trtc-admin rooms list
  $ trtc-admin rooms list --match 'ci-*' --idle-for 2h --json
  $ trtc-admin rooms list --all --older-than 7d --output ndjson`;

export function roomsCommand(io: Io, done: (code: number) => void): Command {
  const rooms = new Command("rooms").description("read the room inventory built from TRTC's callbacks");
  const listCmd = addRoomFilterOptions(addGlobalOptions(new Command("list").description("list live rooms (or all) with their members")))
    .option("--live", "live rooms only (the default)")
    .option("--all", "closed rooms too")
    .addHelpText("after", LIST_HELP)
    .action(async (opts: ListOptions, self: Command) => done(await list(buildContext(self, io), self, opts)));
  const showCmd = addGlobalOptions(new Command("show").description("one room and its members").argument("<room>", "room id: a canonical decimal is a numeric room, anything else a string room"))
    .option("--str-room", "a string room")
    .option("--numeric-room", "a numeric room")
    .addHelpText("after", "\nExit 1 when the inventory has never seen the room.\n\nExamples:\n  $ trtc-admin rooms show 1234\n  $ trtc-admin rooms show --str-room 1234 --json")
    .action(async (room: string, opts: { strRoom?: boolean; numericRoom?: boolean }, self: Command) => {
      if (opts.strRoom && opts.numericRoom) throw new UsageError("--str-room and --numeric-room cannot be used together");
      done(await show(buildContext(self, io), self, room, opts.strRoom ? "string" : opts.numericRoom ? "numeric" : undefined));
    });
  rooms.addHelpText("after", "\nExamples:\n  $ trtc-admin rooms list --match 'ci-*' --json\n  $ trtc-admin rooms show 1234");
  return rooms.addCommand(listCmd).addCommand(showCmd);
}
