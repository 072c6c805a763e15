import type { Command } from "commander";
import { ConfigError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { printPruned } from "../output/retention.js";
import { parseDuration } from "../store/filters.js";
import { filePath, storeExists } from "../store/url.js";
import type { Context } from "./context.js";
import { inventorySetup, openInventory } from "./inventory.js";

export interface PruneOptions {
  olderThan: string;
  dryRun?: boolean;
}

/** `events prune`: deletes stored events older than --older-than, as `events serve --retain` does continuously. */
export async function prune(ctx: Context, cmd: Command, opts: PruneOptions): Promise<number> {
  const olderThanMs = parseDuration(opts.olderThan, "--older-than");
  const setup = await inventorySetup(ctx, cmd);
  if (!storeExists(setup.url))
    throw new ConfigError(`no inventory at ${filePath(setup.url)}: nothing to prune`, "check --inventory, TRTC_INVENTORY or the profile's inventory");
  const store = await openInventory(setup.url);
  try {
    const beforeMs = Date.now() - olderThanMs;
    const count = await store.prune(setup.sdkAppId, beforeMs, { dryRun: Boolean(opts.dryRun) });
    printPruned(ctx.term, ctx.run.format, count, beforeMs, Boolean(opts.dryRun));
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}
