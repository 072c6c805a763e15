import { roomHistory } from "../app/history.js";
import { ExitCode } from "../exit-codes.js";
import { printHistory } from "../output/history.js";
import { parseRoom } from "../plan/ids.js";
import type { RoomIdMode } from "../plan/types.js";
import { parseDuration } from "../store/filters.js";
import type { Context } from "./context.js";

/** `rooms history <room> [--since <dur>]` (app/history.ts): the id and the duration checked before the config is read (exit 2 before 3). */
export async function history(
  ctx: Context,
  input: { room: string; forced: RoomIdMode | undefined; since: string | undefined; inventory: string | undefined },
): Promise<number> {
  parseRoom(input.room, input.forced ?? "auto");
  const sinceMs = input.since === undefined ? 0 : Date.now() - parseDuration(input.since, "--since");
  await roomHistory(ctx, input.room, input.forced, sinceMs, input.inventory, (h) => printHistory(ctx.term, ctx.run.format, h.room, h.coverage, h.events));
  return ExitCode.ok;
}
