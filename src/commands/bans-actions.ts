import type { Command } from "commander";
import { ExitCode } from "../exit-codes.js";
import { printBanExport, printBans } from "../output/bans.js";
import { printWarning } from "../output/messages.js";
import { roomLabel } from "../output/render.js";
import { parseRoom } from "../plan/ids.js";
import { type BanOptions, banTargets } from "./ban-args.js";
import type { Context } from "./context.js";
import { inventorySetup, openExistingInventory, openInventory } from "./inventory.js";

/** `unban`: ends bans in the store; nothing is sent, so no confirmation. Prints the bans it ended. */
export async function unban(ctx: Context, cmd: Command, roomArg: string | undefined, userArgs: string[], opts: BanOptions): Promise<number> {
  const targets = banTargets(roomArg, userArgs, opts);
  const setup = await inventorySetup(ctx, cmd);
  const key = targets.room === undefined ? null : parseRoom(targets.room, targets.mode ?? setup.settings.roomIdMode);
  const store = await openInventory(setup.url, ctx.io.signal);
  try {
    const ended = await store.endBans(setup.sdkAppId, key, targets.users, Date.now());
    const where = key ? `${key.roomIdType} room ${roomLabel(key)}` : "any room";
    for (const user of targets.users.filter((u) => !ended.some((b) => b.userId === u))) printWarning(ctx.term, `${user} had no active ban in ${where}`);
    await printBans(ctx.term, [ended], ctx.run.format, ["ban ended", "bans ended"]);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

export async function list(ctx: Context, cmd: Command, all: boolean): Promise<number> {
  const setup = await inventorySetup(ctx, cmd);
  const store = await openExistingInventory(setup.url, ctx.io.signal);
  try {
    await printBans(ctx.term, store.banPages(setup.sdkAppId, { all }), ctx.run.format, all ? ["ban", "bans"] : undefined);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

/** `bans export`: active bans only, for the app's UserSig issuer. */
export async function exportBans(ctx: Context, cmd: Command): Promise<number> {
  const setup = await inventorySetup(ctx, cmd);
  const store = await openExistingInventory(setup.url, ctx.io.signal);
  try {
    printBanExport(ctx.term, await store.listBans(setup.sdkAppId, {}));
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}
