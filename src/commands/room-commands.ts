import { Command } from "commander";
import { UsageError } from "../errors.js";
import type { RoomIdMode } from "../plan/types.js";
import { addGlobalOptions, buildContext, type Io } from "./context.js";
import { runRoomOperation } from "./room-operation.js";

type Run = (code: number) => void;

interface SafetyOptions {
  yes?: boolean;
  dryRun?: boolean;
  ignoreMissing?: boolean;
  fromFile?: string;
  strRoom?: boolean;
  numericRoom?: boolean;
}

function addSafetyOptions(cmd: Command, withRoomType: boolean): Command {
  cmd
    .option("-y, --yes", "do not ask for confirmation (required when not interactive)")
    .option("--dry-run", "print the planned requests; send nothing, need no credentials")
    .option("--ignore-missing", "a room that does not exist counts as already gone (exit 0)")
    .option("--from-file <path|->", "read one id per line from a file or - for stdin (# comments and blank lines skipped)");
  if (withRoomType) cmd.option("--str-room", "treat room ids as string rooms (…ByStrRoomId actions)").option("--numeric-room", "treat room ids as numeric rooms");
  return addGlobalOptions(cmd);
}

function modeFrom(opts: SafetyOptions): RoomIdMode | undefined {
  if (opts.strRoom && opts.numericRoom) throw new UsageError("--str-room and --numeric-room cannot be used together");
  return opts.strRoom ? "string" : opts.numericRoom ? "numeric" : undefined;
}

const KICK_EXAMPLES = `
Examples:
  $ trtc-admin kick 1234 alice bob            # numeric room 1234 (RemoveUser)
  $ trtc-admin kick --str-room 1234 alice     # string room "1234" (RemoveUserByStrRoomId)
  $ trtc-admin kick standup carol --yes       # "standup" is a string room
  $ cat users.txt | trtc-admin kick 1234 --from-file - --yes --output ndjson
  $ trtc-admin kick 1234 alice --dry-run`;

const DISMISS_EXAMPLES = `
Examples:
  $ trtc-admin dismiss 1234                   # numeric room (DismissRoom)
  $ trtc-admin dismiss --str-room 1234 --yes  # string room "1234" (DismissRoomByStrRoomId)
  $ trtc-admin dismiss --from-file rooms.txt --yes --ignore-missing
  $ trtc-admin dismiss 1234 standup --dry-run --json`;

/** kick, dismiss and the four API-named forms, all running the same operation. */
export function roomCommands(io: Io, done: Run): Command[] {
  const kick = (name: string, mode: RoomIdMode | undefined, description: string, examples: string) => {
    const cmd = new Command(name).description(description);
    cmd.argument(mode ? "<roomId>" : "<room>", mode ? `${mode} room id` : "room id: a canonical decimal is a numeric room, anything else a string room").argument(mode ? "<userId...>" : "[userId...]", "user ids to remove (batched 10 per request)");
    addSafetyOptions(cmd, mode === undefined).addHelpText("after", examples);
    cmd.action(async (room: string, users: string[], opts: SafetyOptions, self: Command) => {
      const ctx = buildContext(self, io);
      done(await runRoomOperation(ctx, { kind: "kick", room, items: users, fromFile: opts.fromFile, roomIdMode: mode ?? modeFrom(opts), yes: Boolean(opts.yes), dryRun: Boolean(opts.dryRun), ignoreMissing: Boolean(opts.ignoreMissing) }));
    });
    return cmd;
  };
  const dismiss = (name: string, mode: RoomIdMode | undefined, description: string, examples: string) => {
    const cmd = new Command(name).description(description);
    cmd.argument(mode ? "<roomId...>" : "[room...]", mode ? `${mode} room ids` : "room ids: canonical decimals are numeric rooms, anything else string rooms");
    addSafetyOptions(cmd, mode === undefined).addHelpText("after", examples);
    cmd.action(async (rooms: string[], opts: SafetyOptions, self: Command) => {
      const ctx = buildContext(self, io);
      done(await runRoomOperation(ctx, { kind: "dismiss", items: rooms, fromFile: opts.fromFile, roomIdMode: mode ?? modeFrom(opts), yes: Boolean(opts.yes), dryRun: Boolean(opts.dryRun), ignoreMissing: Boolean(opts.ignoreMissing) }));
    });
    return cmd;
  };
  return [
    kick("kick", undefined, "remove users from a room; they see onExitRoom(1)", KICK_EXAMPLES),
    dismiss("dismiss", undefined, "dismiss rooms; every user in them sees onExitRoom(2)", DISMISS_EXAMPLES),
    kick("remove-user", "numeric", "RemoveUser: kick from a numeric room (kick --numeric-room)", "\nExample:\n  $ trtc-admin remove-user 1234 alice bob --yes"),
    kick("remove-user-by-str-room-id", "string", "RemoveUserByStrRoomId: kick from a string room (kick --str-room)", "\nExample:\n  $ trtc-admin remove-user-by-str-room-id standup carol --yes"),
    dismiss("dismiss-room", "numeric", "DismissRoom: dismiss numeric rooms (dismiss --numeric-room)", "\nExample:\n  $ trtc-admin dismiss-room 1234 5678 --yes"),
    dismiss("dismiss-room-by-str-room-id", "string", "DismissRoomByStrRoomId: dismiss string rooms (dismiss --str-room)", "\nExample:\n  $ trtc-admin dismiss-room-by-str-room-id standup --yes"),
  ];
}
