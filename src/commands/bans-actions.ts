import { activeBans, endBans, listBans } from "../app/reads.js";
import { ExitCode } from "../exit-codes.js";
import { printBanExport, printBans } from "../output/bans.js";
import { printWarning } from "../output/messages.js";
import { roomLabel } from "../output/render.js";
import { type BanOptions, banTargets } from "./ban-args.js";
import type { Context } from "./context.js";

/** `unban`: ends bans in the store; nothing is sent, so no confirmation. Prints the bans it ended. */
export async function unban(ctx: Context, inventory: string | undefined, roomArg: string | undefined, userArgs: string[], opts: BanOptions): Promise<number> {
  const targets = banTargets(roomArg, userArgs, opts);
  const { room, ended } = await endBans(ctx, inventory, targets);
  const where = room ? `${room.roomIdType} room ${roomLabel(room)}` : "any room";
  for (const user of targets.users.filter((u) => !ended.some((b) => b.userId === u))) printWarning(ctx.term, `${user} had no active ban in ${where}`);
  await printBans(ctx.term, [ended], ctx.run.format, ["ban ended", "bans ended"]);
  return ExitCode.ok;
}

export async function list(ctx: Context, inventory: string | undefined, all: boolean): Promise<number> {
  await listBans(ctx, inventory, all, (pages) => printBans(ctx.term, pages, ctx.run.format, all ? ["ban", "bans"] : undefined));
  return ExitCode.ok;
}

/** `bans export`: active bans only, for the app's UserSig issuer. */
export async function exportBans(ctx: Context, inventory: string | undefined): Promise<number> {
  printBanExport(ctx.term, await activeBans(ctx, inventory));
  return ExitCode.ok;
}
