import { type RoomOperation, runOperation } from "../app/operation.js";
import { runExitCode } from "../exit-codes.js";
import { confirmOperation } from "../output/dialogs.js";
import { printInfo } from "../output/messages.js";
import type { Context } from "./context.js";
import { interactive, printReady, runPorts } from "./ports.js";

export type { RoomOperation } from "../app/operation.js";

function verbFor(op: RoomOperation, total: number): string {
  if (op.kind === "kick") return "Kick these users";
  if (op.kind === "mute") return `${op.isMute === 0 ? "Unmute" : "Mute"} these users`;
  return `Dismiss ${total === 1 ? "this room" : `these ${total} rooms`}`;
}

function nothingMessage(op: RoomOperation): string {
  if (op.retryFrom !== undefined) return `no failed or not-started request in ${op.retryFrom === "-" ? "stdin" : op.retryFrom}: nothing to retry`;
  if (op.allMembers) return "the inventory shows no member in the room: nothing to kick";
  return "no live room in the inventory matches: nothing to dismiss";
}

/** kick, dismiss and mute (app/operation.ts), asked and reported on the terminal. */
export async function runRoomOperation(ctx: Context, op: RoomOperation): Promise<number> {
  const { run, term, io } = ctx;
  const outcome = await runOperation(ctx, op, {
    ...runPorts(ctx),
    // Read only when --yes is missing: it looks at stdin, and opening stdin costs a run that needs none a few milliseconds.
    get interactive() {
      return interactive(ctx);
    },
    ready: (facts) => printReady(ctx, facts),
    confirm: (facts) => confirmOperation(term, { verb: verbFor(op, facts.total), ...facts }, io.signal),
    nothing: () => {
      if (run.format === "pretty" && !run.quiet) printInfo(term, nothingMessage(op));
    },
  });
  return runExitCode(outcome);
}
