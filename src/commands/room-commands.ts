import { Command } from "commander";
import { UsageError } from "../errors.js";
import type { RoomIdMode } from "../plan/types.js";
import { type Context, inventoryFlag } from "./context.js";
import { muteOptions, retryFromOption, roomTypeFrom, safetyOptions, waitMsFrom, waitOption } from "./options.js";
import { defineCommand } from "./registry.js";
import { addRoomFilterOptions, type FilterOptions, filtersFrom } from "./room-filters.js";
import type { RoomOperation } from "./room-operation.js";

interface SafetyOptions {
  yes?: boolean;
  dryRun?: boolean;
  ignoreMissing?: boolean;
  fromFile?: string;
  strRoom?: boolean;
  numericRoom?: boolean;
  audioOnly?: boolean;
  videoOnly?: boolean;
  wait?: string | boolean;
  retryFrom?: string;
  allMembers?: boolean;
}

function addSafetyOptions(cmd: Command, withRoomType: boolean): Command {
  for (const option of safetyOptions(withRoomType)) cmd.addOption(option);
  return cmd;
}

/** The operation's code loads only when a command runs, not for --help or other commands. */
async function run(ctx: Context, op: RoomOperation): Promise<number> {
  const { runRoomOperation } = await import("./room-operation.js");
  return runRoomOperation(ctx, op);
}

/** The operation with what every form shares: --inventory, a global option. */
function operation(cmd: Command, op: RoomOperation): RoomOperation {
  const inventory = inventoryFlag(cmd);
  return inventory === undefined ? op : { ...op, inventory };
}

const KICK_EXAMPLES = `
Examples:
  $ trtc-admin kick 1234 alice bob            # numeric room 1234 (RemoveUser)
  $ trtc-admin kick --str-room 1234 alice     # string room "1234" (RemoveUserByStrRoomId)
  $ trtc-admin kick standup carol --yes       # "standup" is a string room
  $ cat users.txt | trtc-admin kick 1234 --from-file - --yes --output ndjson
  $ trtc-admin kick 1234 alice --dry-run
  $ trtc-admin kick 1234 --all-members --wait --yes   # everyone the inventory shows, verified
  $ trtc-admin kick --retry-from results.ndjson --yes # the failed and not-started requests again`;

const DISMISS_EXAMPLES = `
Examples:
  $ trtc-admin dismiss 1234                   # numeric room (DismissRoom)
  $ trtc-admin dismiss --str-room 1234 --yes  # string room "1234" (DismissRoomByStrRoomId)
  $ trtc-admin dismiss --from-file rooms.txt --yes --ignore-missing
  $ trtc-admin dismiss 1234 standup --dry-run --json
  $ trtc-admin dismiss --live --match 'ci-*' --idle-for 2h --yes   # rooms the inventory shows live`;

const MUTE_EXAMPLES = `
Examples:
  $ trtc-admin mute 1234 alice bob             # audio and video (SetUserBlocked, IsMute 1)
  $ trtc-admin mute standup carol --audio-only # string room (SetUserBlockedByStrRoomId, IsMute 2)
  $ trtc-admin unmute 1234 alice --yes         # IsMute 0

SetUserBlocked is documented for the international site: use --endpoint trtc.intl.tencentcloudapi.com.`;

/** kick, dismiss, mute, unmute and the four API-named forms, all running the same operation. */
export function roomCommands(): Command[] {
  const kick = (name: string, mode: RoomIdMode | undefined, description: string, examples: string) => {
    const cmd = new Command(name).description(description);
    cmd
      .argument(mode ? "<roomId>" : "[room]", mode ? `${mode} room id` : "room id: a canonical decimal is a numeric room, anything else a string room")
      .argument("[userId...]", "user ids to remove (batched 10 per request), and/or --from-file");
    addSafetyOptions(cmd, mode === undefined)
      .addOption(waitOption())
      .option("--all-members", "every member the inventory shows in the room (10 a request), instead of user ids");
    if (mode === undefined) cmd.addOption(retryFromOption());
    cmd.addHelpText("after", examples);
    return defineCommand(cmd, {
      input(self) {
        const [room, users] = self.processedArgs as [string, string[]];
        const opts = self.opts<SafetyOptions>();
        const waitMs = waitMsFrom(opts.wait);
        return operation(self, {
          kind: "kick",
          room,
          items: users,
          fromFile: opts.fromFile,
          roomIdMode: mode ?? roomTypeFrom(opts),
          yes: Boolean(opts.yes),
          dryRun: Boolean(opts.dryRun),
          ignoreMissing: Boolean(opts.ignoreMissing),
          ...(waitMs !== undefined && { waitMs }),
          ...(opts.allMembers && { allMembers: true }),
          ...(opts.retryFrom !== undefined && { retryFrom: opts.retryFrom }),
        });
      },
      run,
    });
  };
  const dismiss = (name: string, mode: RoomIdMode | undefined, description: string, examples: string) => {
    const cmd = new Command(name).description(description);
    // Ids as arguments and/or --from-file: the operation refuses neither (exit 2), as for kick and dismiss.
    cmd.argument(
      mode ? "[roomId...]" : "[room...]",
      mode ? `${mode} room ids, and/or --from-file` : "room ids: canonical decimals are numeric rooms, anything else string rooms",
    );
    addSafetyOptions(cmd, mode === undefined)
      .addOption(waitOption())
      .addHelpText("after", examples);
    if (mode === undefined) cmd.addOption(retryFromOption());
    // Only the plain dismiss finds rooms in the inventory; every form closes there the rooms it dismissed.
    if (mode === undefined)
      addRoomFilterOptions(cmd.option("--live", "dismiss the inventory's live rooms matching the filters below (exactly what `rooms list` shows)"));
    return defineCommand(cmd, {
      input(self) {
        const [rooms] = self.processedArgs as [string[]];
        const opts = self.opts<SafetyOptions & FilterOptions & { live?: boolean }>();
        const filters = filtersFrom(opts);
        const waitMs = waitMsFrom(opts.wait);
        if (!opts.live && Object.keys(filters).length > 0)
          throw new UsageError("--match, --idle-for, --older-than, --empty and --member filter the inventory's rooms: they need --live");
        return operation(self, {
          kind: "dismiss",
          items: rooms,
          fromFile: opts.fromFile,
          roomIdMode: mode ?? roomTypeFrom(opts),
          yes: Boolean(opts.yes),
          dryRun: Boolean(opts.dryRun),
          ignoreMissing: Boolean(opts.ignoreMissing),
          ...(opts.live ? { live: filters } : {}),
          ...(waitMs !== undefined && { waitMs }),
          ...(opts.retryFrom !== undefined && { retryFrom: opts.retryFrom }),
        });
      },
      run,
    });
  };
  const mute = (name: "mute" | "unmute", description: string) => {
    const cmd = new Command(name).description(description);
    cmd
      .argument("[room]", "room id: a canonical decimal is a numeric room, anything else a string room")
      .argument("[userId...]", "user ids (one request each)");
    addSafetyOptions(cmd, true).addOption(retryFromOption());
    if (name === "mute") for (const option of muteOptions()) cmd.addOption(option);
    cmd.addHelpText("after", MUTE_EXAMPLES);
    return defineCommand(cmd, {
      input(self) {
        const [room, users] = self.processedArgs as [string, string[]];
        const opts = self.opts<SafetyOptions>();
        const isMute = name === "unmute" ? 0 : opts.audioOnly ? 2 : opts.videoOnly ? 3 : 1;
        return operation(self, {
          kind: "mute",
          isMute,
          room,
          items: users,
          fromFile: opts.fromFile,
          roomIdMode: roomTypeFrom(opts),
          yes: Boolean(opts.yes),
          dryRun: Boolean(opts.dryRun),
          ignoreMissing: Boolean(opts.ignoreMissing),
          ...(opts.retryFrom !== undefined && { retryFrom: opts.retryFrom }),
        });
      },
      run,
    });
  };
  return [
    mute("mute", "mute users in a room without removing them (SetUserBlocked)"),
    mute("unmute", "let muted users send audio and video again (SetUserBlocked, IsMute 0)"),
    kick("kick", undefined, "remove users from a room; they see onExitRoom(1)", KICK_EXAMPLES),
    dismiss("dismiss", undefined, "dismiss rooms; every user in them sees onExitRoom(2)", DISMISS_EXAMPLES),
    kick("remove-user", "numeric", "RemoveUser: kick from a numeric room (kick --numeric-room)", "\nExample:\n  $ trtc-admin remove-user 1234 alice bob --yes"),
    kick(
      "remove-user-by-str-room-id",
      "string",
      "RemoveUserByStrRoomId: kick from a string room (kick --str-room)",
      "\nExample:\n  $ trtc-admin remove-user-by-str-room-id standup carol --yes",
    ),
    dismiss(
      "dismiss-room",
      "numeric",
      "DismissRoom: dismiss numeric rooms (dismiss --numeric-room)",
      "\nExample:\n  $ trtc-admin dismiss-room 1234 5678 --yes",
    ),
    dismiss(
      "dismiss-room-by-str-room-id",
      "string",
      "DismissRoomByStrRoomId: dismiss string rooms (dismiss --str-room)",
      "\nExample:\n  $ trtc-admin dismiss-room-by-str-room-id standup --yes",
    ),
  ];
}
