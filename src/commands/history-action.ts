import type { Command } from "commander";
import { ExitCode } from "../exit-codes.js";
import { printHistory } from "../output/history.js";
import { parseRoom } from "../plan/ids.js";
import type { RoomIdMode } from "../plan/types.js";
import { parseDuration } from "../store/filters.js";
import type { Context } from "./context.js";
import { inventorySetup, openExistingInventory } from "./inventory.js";

/** `rooms history <room> [--since <dur>]`: the room's stored events, oldest first. */
export async function history(ctx: Context, cmd: Command, value: string, forced: RoomIdMode | undefined, since: string | undefined): Promise<number> {
  // The id's syntax and the duration are checked before the configuration is read (exit 2 before 3).
  parseRoom(value, forced ?? "auto");
  const sinceMs = since === undefined ? 0 : Date.now() - parseDuration(since, "--since");
  const setup = await inventorySetup(ctx, cmd);
  const key = parseRoom(value, forced ?? setup.settings.roomIdMode);
  const store = await openExistingInventory(setup.url, ctx.io.signal);
  try {
    const coverage = await store.coverage(setup.sdkAppId);
    await printHistory(ctx.term, ctx.run.format, { ...key, sdkAppId: setup.sdkAppId }, coverage, store.roomHistory(setup.sdkAppId, key, sinceMs));
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}
