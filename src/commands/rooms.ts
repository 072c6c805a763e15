import { Command } from "commander";
import { inventoryFlag } from "./context.js";
import { roomTypeFrom, roomTypeOptions } from "./options.js";
import { defineCommand } from "./registry.js";
import { addRoomFilterOptions } from "./room-filters.js";
import type { ListOptions } from "./rooms-actions.js";

const actions = () => import("./rooms-actions.js");

const LIST_HELP = `
Rooms of the profile's SdkAppId as the callbacks describe them (live ones unless --all).
Filters combine with AND. Durations: an integer and s, m, h or d.

Examples:
  $ trtc-admin rooms list
  $ trtc-admin rooms list --match 'ci-*' --idle-for 2h --json
  $ trtc-admin rooms list --member troll42   # where is this user now?
  $ trtc-admin rooms list --all --older-than 7d --output ndjson`;

const HISTORY_HELP = `
Every event the inventory keeps for the room (events serve --retain decides how long), with the
reason a user left in words: left, timed out, kicked, …

Examples:
  $ trtc-admin rooms history 1234
  $ trtc-admin rooms history standup --since 2h --output ndjson`;

/** show and history: the room and its forced type (--str-room, --numeric-room). */
const roomInput = (cmd: Command) => ({ room: cmd.processedArgs[0] as string, forced: roomTypeFrom(cmd.opts()) });

export function roomsCommand(): Command {
  const rooms = new Command("rooms").description("read the room inventory built from TRTC's callbacks");
  const listCmd = addRoomFilterOptions(new Command("list").description("list live rooms (or all) with their members"))
    .option("--live", "live rooms only (the default)")
    .option("--all", "closed rooms too")
    .addHelpText("after", LIST_HELP);
  defineCommand(listCmd, {
    input: (cmd) => ({ inventory: inventoryFlag(cmd), opts: cmd.opts<ListOptions>() }),
    run: async (ctx, i) => (await actions()).list(ctx, i.inventory, i.opts),
  });
  const showCmd = new Command("show")
    .description("one room and its members")
    .argument("<room>", "room id: a canonical decimal is a numeric room, anything else a string room")
    .addHelpText(
      "after",
      "\nExit 1 when the inventory does not hold the room: never seen, or closed before the retention window.\n\nExamples:\n  $ trtc-admin rooms show 1234\n  $ trtc-admin rooms show --str-room 1234 --json",
    );
  defineCommand(showCmd, {
    input: (cmd) => ({ ...roomInput(cmd), inventory: inventoryFlag(cmd) }),
    run: async (ctx, i) => (await actions()).show(ctx, i.inventory, i.room, i.forced),
  });
  for (const option of roomTypeOptions()) showCmd.addOption(option);
  const historyCmd = new Command("history")
    .description("a room's stored events, oldest first: who entered, left, was kicked, when")
    .argument("<room>", "room id: a canonical decimal is a numeric room, anything else a string room")
    .option("--since <dur>", "only events of the last <dur> (an integer and s, m, h or d); default all that are kept")
    .addHelpText("after", HISTORY_HELP);
  defineCommand(historyCmd, {
    input: (cmd) => ({ ...roomInput(cmd), since: cmd.opts<{ since?: string }>().since, inventory: inventoryFlag(cmd) }),
    run: async (ctx, input) => (await import("./history-action.js")).history(ctx, input),
  });
  for (const option of roomTypeOptions()) historyCmd.addOption(option);
  rooms.addHelpText("after", "\nExamples:\n  $ trtc-admin rooms list --match 'ci-*' --json\n  $ trtc-admin rooms show 1234");
  return rooms.addCommand(listCmd).addCommand(showCmd).addCommand(historyCmd);
}
